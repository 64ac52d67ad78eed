import type { ControlledItem } from '@ledger/contracts';
import { codeCovers } from './coverage';
import type { MeasureTimeline } from './timeline';
import { at } from './time';

function normalisedItem(item: ControlledItem): ControlledItem {
  return {
    ...(item.element === undefined ? {} : { element: item.element }),
    ...(item.controlCode === undefined ? {} : { controlCode: item.controlCode }),
    ...(item.hsCode === undefined ? {} : { hsCode: item.hsCode }),
    description: item.description,
  };
}

/** The same item: identical element, control code and HS code (the description is prose). */
function sameItem(a: ControlledItem, b: ControlledItem): boolean {
  return a.element === b.element && a.controlCode === b.controlCode && a.hsCode === b.hsCode;
}

/** A removal reaches an item when every identifier the removal names matches it. */
function removalReaches(removal: ControlledItem, item: ControlledItem): boolean {
  return (
    (removal.element === undefined || removal.element === item.element) &&
    (removal.controlCode === undefined || removal.controlCode === item.controlCode) &&
    (removal.hsCode === undefined || removal.hsCode === item.hsCode)
  );
}

/** The creation's items, then each amendment in force at T in recorded order: removals, then additions. */
export function itemsAt(timeline: MeasureTimeline, time: number): ControlledItem[] {
  if (timeline.creation.type !== 'ExportControlImposed') return [];
  let items: ControlledItem[] = [];
  const add = (added: readonly ControlledItem[]): void => {
    for (const item of added) {
      if (!items.some((listed) => sameItem(listed, item))) items.push(normalisedItem(item));
    }
  };
  add(timeline.creation.data.items);
  for (const amendment of timeline.amendments) {
    if (at(amendment.data.validFrom) > time) continue;
    items = items.filter((item) => !amendment.data.remove.some((removal) => removalReaches(removal, item)));
    add(amendment.data.add);
  }
  return items;
}

export function itemMatches(item: ControlledItem, query: string): boolean {
  const wanted = query.toLowerCase();
  return (
    item.element?.toLowerCase() === wanted ||
    item.controlCode?.toLowerCase() === wanted ||
    (item.hsCode !== undefined && codeCovers(item.hsCode, query))
  );
}
