import type { EventEnvelope, ControlledItem, ProductScope } from '@ledger/contracts';

/** What an event (with its stream's opening facts) says it concerns, for matching webhooks. */
export interface StreamFacts {
  readonly imposer: string | null;
  readonly allProducts: boolean;
  readonly hsCodes: readonly string[];
  readonly elements: readonly string[];
}

export const NO_FACTS: StreamFacts = { imposer: null, allProducts: false, hsCodes: [], elements: [] };

function ofItems(items: readonly ControlledItem[]): { hsCodes: string[]; elements: string[] } {
  return {
    hsCodes: items.flatMap((item) => (item.hsCode ? [item.hsCode] : [])),
    elements: items.flatMap((item) => (item.element ? [item.element] : [])),
  };
}

function ofProducts(products: ProductScope): { allProducts: boolean; hsCodes: readonly string[] } {
  return products.scope === 'all'
    ? { allProducts: true, hsCodes: [] }
    : { allProducts: false, hsCodes: products.codes };
}

const union = (a: readonly string[], b: readonly string[]): string[] => [...new Set([...a, ...b])];

/**
 * The stream's facts after `event`: opening events name the imposer and what is covered; an
 * amendment adds the codes or items it brings (a code once concerned stays concerned: a removal
 * is news to whoever watched it). Other events leave the facts as they were.
 */
export function nextFacts(before: StreamFacts, event: EventEnvelope): StreamFacts {
  if (event.type === 'TariffImposed' || event.type === 'TariffAnnounced') {
    const data = (event as EventEnvelope<'TariffImposed' | 'TariffAnnounced'>).data;
    const products = ofProducts(data.products);
    return {
      imposer: data.imposer,
      allProducts: before.allProducts || products.allProducts,
      hsCodes: union(before.hsCodes, products.hsCodes),
      elements: before.elements,
    };
  }
  if (event.type === 'TariffProductsAmended') {
    const data = (event as EventEnvelope<'TariffProductsAmended'>).data;
    const codes = [
      ...(data.add ?? []),
      ...(data.remove ?? []),
      ...(data.reinclude ?? []),
      ...(data.exclude ?? []).map((exclusion) => exclusion.code),
    ];
    return { ...before, hsCodes: union(before.hsCodes, codes) };
  }
  if (event.type === 'ExportControlImposed') {
    const data = (event as EventEnvelope<'ExportControlImposed'>).data;
    const items = ofItems(data.items);
    return {
      imposer: data.imposer,
      allProducts: before.allProducts,
      hsCodes: union(before.hsCodes, items.hsCodes),
      elements: union(before.elements, items.elements),
    };
  }
  if (event.type === 'ExportControlItemsAmended') {
    const data = (event as EventEnvelope<'ExportControlItemsAmended'>).data;
    const items = ofItems([...data.add, ...data.remove]);
    return {
      ...before,
      hsCodes: union(before.hsCodes, items.hsCodes),
      elements: union(before.elements, items.elements),
    };
  }
  return before;
}

/** What a webhook watches; an empty list does not filter, and every list given must match. */
export interface Watch {
  readonly eventTypes: readonly string[];
  readonly hsCodes: readonly string[];
  readonly elements: readonly string[];
  readonly imposers: readonly string[];
}

/** Whether an event of `type` with these facts is one the watch asks for. HS codes match by prefix. */
export function matches(watch: Watch, type: string, facts: StreamFacts): boolean {
  const listed = (list: readonly string[], test: (entry: string) => boolean) =>
    list.length === 0 || list.some(test);
  return (
    listed(watch.eventTypes, (entry) => entry === type) &&
    listed(watch.imposers, (entry) => entry === facts.imposer) &&
    listed(watch.elements, (entry) => facts.elements.includes(entry)) &&
    listed(
      watch.hsCodes,
      (prefix) => facts.allProducts || facts.hsCodes.some((code) => code.startsWith(prefix)),
    )
  );
}
