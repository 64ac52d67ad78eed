import type { AnyEventEnvelope, ProductScope } from '@ledger/contracts';
import type {
  ActiveExportControl,
  EffectiveTariffs,
  LayerChange,
  ListedTariff,
  TariffChanges,
} from '@ledger/views';
import type { LicencePage } from '@ledger/read-models';
import { citationCells, itemCell, type CsvTable } from './csv';

/** The CSV form of each list the read side serves: one row per record, lists joined by spaces. */

export const EFFECTIVE_LAYERS_TABLE: CsvTable<EffectiveTariffs> = {
  columns: [
    'measureId',
    'program',
    'rate',
    'appliedRate',
    'suspendedPoints',
    'coverage',
    'lines',
    'excludedLines',
    'validFrom',
    'validTo',
    'legalInstrument',
    'heading',
    'instrument',
    'title',
    'citationReference',
    'citationUrl',
  ],
  rows: ({ layers }) =>
    layers.map((layer) => [
      layer.measureId,
      layer.program,
      layer.rate,
      layer.appliedRate,
      layer.suspension?.points ?? null,
      layer.coverage,
      layer.lines.map((line) => line.code).join(' '),
      layer.excludedLines.map((line) => line.code).join(' '),
      layer.validFrom,
      layer.validTo,
      layer.legalInstrument,
      layer.heading,
      layer.instrument,
      layer.title,
      ...citationCells(layer.citation),
    ]),
};

function productCells(products: ProductScope): [string, string] {
  return products.scope === 'all'
    ? ['all', (products.excludedCodes ?? []).join(' ')]
    : [products.codes.join(' '), ''];
}

export const TARIFF_LIST_TABLE: CsvTable<{ tariffs: ListedTariff[] }> = {
  columns: [
    'measureId',
    'program',
    'status',
    'rate',
    'products',
    'excludedProducts',
    'targets',
    'excludedTargets',
    'namesOrigin',
    'validFrom',
    'validTo',
    'legalInstrument',
    'title',
    'citationReference',
    'citationUrl',
  ],
  rows: ({ tariffs }) =>
    tariffs.map((tariff) => [
      tariff.measureId,
      tariff.program,
      tariff.status,
      tariff.rate,
      ...productCells(tariff.products),
      tariff.targets.join(' '),
      tariff.excludedTargets.join(' '),
      tariff.namesOrigin,
      tariff.validFrom,
      tariff.validTo,
      tariff.legalInstrument,
      tariff.title,
      ...citationCells(tariff.citation),
    ]),
};

function layerCells(layer: LayerChange): unknown[] {
  return [layer.measureId, layer.program, layer.before, layer.after];
}

/** One row per changed layer: a change of several layers repeats its instant and totals. */
export const TARIFF_CHANGES_TABLE: CsvTable<TariffChanges> = {
  columns: [
    'axis',
    'at',
    'recordedAt',
    'eventId',
    'type',
    'streamId',
    'totalBefore',
    'totalAfter',
    'measureId',
    'program',
    'rateBefore',
    'rateAfter',
  ],
  rows: ({ validTime, recordedTime }) => [
    ...validTime.flatMap((change) =>
      change.layers.map((layer) => [
        'valid',
        change.at,
        null,
        null,
        null,
        null,
        change.totalBefore,
        change.totalAfter,
        ...layerCells(layer),
      ]),
    ),
    ...recordedTime.flatMap((change) =>
      change.layers.map((layer) => [
        'recorded',
        change.at,
        change.recordedAt,
        change.eventId,
        change.type,
        change.streamId,
        change.totalBefore,
        change.totalAfter,
        ...layerCells(layer),
      ]),
    ),
  ],
};

/** One row per item under control: a control of several items repeats its other columns. */
export const EXPORT_CONTROLS_TABLE: CsvTable<{ controls: ActiveExportControl[] }> = {
  columns: [
    'controlId',
    'imposer',
    'kind',
    'destinations',
    'excludedDestinations',
    'item',
    'itemDescription',
    'validFrom',
    'validTo',
    'legalInstrument',
    'citationReference',
    'citationUrl',
  ],
  rows: ({ controls }) =>
    controls.flatMap((control) =>
      control.items.map((item) => [
        control.controlId,
        control.imposer,
        control.kind,
        control.destinations.join(' '),
        control.excludedDestinations.join(' '),
        itemCell(item),
        item.description,
        control.validFrom,
        control.validTo,
        control.legalInstrument,
        ...citationCells(control.citation),
      ]),
    ),
};

export const LICENCES_TABLE: CsvTable<LicencePage> = {
  columns: [
    'id',
    'status',
    'version',
    'exportControlId',
    'exporter',
    'consignee',
    'destination',
    'items',
    'quantity',
    'quantityUnit',
    'appliedAt',
    'approvedAt',
    'approvedFrom',
    'approvedTo',
    'deniedAt',
    'denialReason',
    'revokedFrom',
    'revocationReason',
  ],
  rows: ({ licences }) =>
    licences.map((licence) => [
      licence.id,
      licence.status,
      licence.version,
      licence.exportControlId,
      licence.exporter,
      licence.consignee,
      licence.destination,
      licence.items.map(itemCell).join('; '),
      licence.quantity?.amount ?? null,
      licence.quantity?.unit ?? null,
      licence.appliedAt,
      licence.approval?.decidedAt ?? null,
      licence.approval?.validFrom ?? null,
      licence.approval?.validTo ?? null,
      licence.denial?.decidedAt ?? null,
      licence.denial?.reason ?? null,
      licence.revocation?.validFrom ?? null,
      licence.revocation?.reason ?? null,
    ]),
  next: (page) => page.next,
};

/** The envelope of each event; `data` stays JSON, its shape being the event type's. */
export const EVENTS_TABLE: CsvTable<{ events: AnyEventEnvelope[]; next: number }> = {
  columns: [
    'position',
    'id',
    'type',
    'schemaVersion',
    'streamId',
    'streamType',
    'streamVersion',
    'recordedAt',
    'actorKeyId',
    'actorRole',
    'correlationId',
    'causationId',
    'citationReference',
    'citationUrl',
    'prevHash',
    'hash',
    'data',
  ],
  rows: ({ events }) =>
    events.map((event) => [
      event.position,
      event.id,
      event.type,
      event.schemaVersion,
      event.streamId,
      event.streamType,
      event.streamVersion,
      event.recordedAt,
      event.actor.keyId,
      event.actor.role,
      event.correlationId,
      event.causationId,
      ...citationCells(event.citation),
      event.prevHash,
      event.hash,
      JSON.stringify(event.data),
    ]),
  next: (page) => page.next,
};
