import { type Jurisdiction, nomenclatureOf, type ProductScope } from '@ledger/contracts';
import type { MeasureTimeline } from './timeline';
import { at, compareText } from './time';
import type { ExcludedProductLine, ProductCoverage, ProductLine, TariffLayer } from './view-types';

const ALL = '*';

/** Whether a measure reaches a partner: named, or through `*`, and not excluded. */
export function reaches(
  reached: readonly Jurisdiction[],
  excluded: readonly Jurisdiction[] | undefined,
  partner: Jurisdiction,
): boolean {
  return (reached.includes(partner) || reached.includes(ALL)) && !(excluded ?? []).includes(partner);
}

/** A code covers itself and every longer code starting with it; a longer code covers only part of a shorter one. */
export function codeCovers(code: string, product: string): boolean {
  return product.startsWith(code);
}

interface Exclusion {
  readonly list: string | null;
  readonly description: string | null;
}

/** A tariff's listed codes and exclusions at T: the creation's, then each product amendment in force by T, in recorded order. */
interface CodesAt {
  readonly scope: ProductScope['scope'];
  readonly lines: ReadonlySet<string>;
  readonly exclusions: ReadonlyMap<string, Exclusion>;
}

export function codesAt(products: ProductScope, timeline: MeasureTimeline, time: number): CodesAt {
  const lines = new Set(products.scope === 'codes' ? products.codes : []);
  const exclusions = new Map<string, Exclusion>(
    (products.scope === 'all' ? (products.excludedCodes ?? []) : []).map((code) => [
      code,
      { list: null, description: null },
    ]),
  );
  for (const { data } of timeline.productAmendments) {
    if (at(data.validFrom) > time) continue;
    for (const code of data.remove ?? []) lines.delete(code);
    for (const code of data.add ?? []) lines.add(code);
    for (const code of data.reinclude ?? []) exclusions.delete(code);
    for (const { code, list, description } of data.exclude ?? []) {
      exclusions.set(code, { list: list ?? null, description: description ?? null });
    }
  }
  return { scope: products.scope, lines, exclusions };
}

/** A product code with the nomenclature it belongs to under `imposer`. */
export function productLine(code: string, imposer: Jurisdiction): ProductLine {
  return { code, nomenclature: nomenclatureOf(code, imposer) };
}

function excludedLines(
  codes: readonly string[],
  exclusions: ReadonlyMap<string, Exclusion>,
  imposer: Jurisdiction,
): ExcludedProductLine[] {
  return [...codes]
    .sort(compareText)
    .map((code) => ({ ...productLine(code, imposer), ...(exclusions.get(code) as Exclusion) }));
}

export function coverageOf(codes: CodesAt, imposer: Jurisdiction): ProductCoverage {
  return {
    scope: codes.scope,
    codes:
      codes.scope === 'all'
        ? []
        : [...codes.lines].sort(compareText).map((code) => productLine(code, imposer)),
    excludedCodes: excludedLines([...codes.exclusions.keys()], codes.exclusions, imposer),
  };
}

/** Strictly under `product`: a longer code starting with it. */
function finerThan(code: string, product: string): boolean {
  return code.length > product.length && code.startsWith(product);
}

/**
 * How a tariff covers `product`, or undefined when it does not cover it at all. Excluded when an
 * exclusion covers the product; else covered whole when the scope is `all` or a listed code
 * covers it, or in part through the finer listed codes no exclusion covers. Finer exclusions
 * inside what the measure covers make a whole coverage partial too.
 */
export function layerCoverage(
  codes: CodesAt,
  product: string,
  imposer: Jurisdiction,
): Pick<TariffLayer, 'coverage' | 'lines' | 'excludedLines'> | undefined {
  const exclusions = [...codes.exclusions.keys()];
  if (exclusions.some((code) => codeCovers(code, product))) return undefined;
  const lines = codes.scope === 'all' ? [] : [...codes.lines];
  const whole = codes.scope === 'all' || lines.some((code) => codeCovers(code, product));
  const finerLines = whole
    ? []
    : lines.filter((line) => finerThan(line, product) && !exclusions.some((code) => codeCovers(code, line)));
  if (!whole && finerLines.length === 0) return undefined;
  const finerExclusions = exclusions.filter(
    (code) =>
      finerThan(code, product) && (codes.scope === 'all' || lines.some((line) => codeCovers(line, code))),
  );
  return {
    coverage: whole && finerExclusions.length === 0 ? 'full' : 'partial',
    lines: finerLines.sort(compareText).map((code) => productLine(code, imposer)),
    excludedLines: excludedLines(finerExclusions, codes.exclusions, imposer),
  };
}
