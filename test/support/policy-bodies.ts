import {
  EXCEPTIONS_MEMORANDUM,
  GENEVA,
  genevaStatement as genevaPayload,
  reciprocalOnChina,
} from '../../libs/contracts/test/catalogue';
import type { Schema } from './admin-api-client';

/**
 * Request bodies from the seed scenario (docs/domain.md), for writes through the public API:
 * the catalogue's payloads (libs/contracts/test/catalogue.ts) with an id and a citation. The
 * export-control and licence bodies give their instants with local offsets, which the API
 * normalises to UTC.
 */
export const citation = {
  url: 'https://www.whitehouse.gov/presidential-actions/2025/04/modifying-reciprocal-tariff-rates/',
  reference: 'Executive Order 14259',
};

export function imposeReciprocalOnChina(id: string): Schema<'ImposeTariffDto'> {
  return {
    id,
    ...reciprocalOnChina,
    targets: [...reciprocalOnChina.targets],
    excludedTargets: [],
    products: { scope: 'all', excludedCodes: ['2709'] },
    citation: { ...citation, reference: 'Executive Order 14257' },
  };
}

export const raiseTo84 = { rate: 84, validFrom: '2025-04-09T04:01:00Z', citation };

export const exceptionsMemorandum = EXCEPTIONS_MEMORANDUM;

const ANNEX = 'Annex to the memorandum of 11 April 2025';

export const excludeComputers = {
  validFrom: '2025-04-05T00:01:00-04:00',
  exclude: [
    { code: '8471', list: ANNEX, description: 'Automatic data processing machines (computers, laptops)' },
    { code: '85171300', list: ANNEX, description: 'Smartphones' },
  ],
  citation: exceptionsMemorandum,
};

export function rareEarthControl(id: string) {
  return {
    id,
    imposer: 'CN',
    destinations: ['*'],
    kind: 'licence-required',
    items: ['Sm', 'Gd', 'Tb', 'Dy', 'Lu', 'Sc', 'Y'].map((element) => ({
      element,
      description: `${element}: metal, alloys, oxides and compounds`,
    })),
    legalInstrument: 'MOFCOM/GAC Announcement No. 18 of 2025',
    announcedAt: '2025-04-04T10:00:00+08:00',
    validFrom: '2025-04-04T00:00:00+08:00',
    citation: { reference: 'MOFCOM Announcement No. 18 of 2025', url: 'http://www.mofcom.gov.cn/' },
  };
}

export function licenceApplication(id: string, exportControlId: string) {
  return {
    id,
    exportControlId,
    exporter: 'Ganzhou Rare Earth Magnet Co.',
    consignee: 'Detroit Motors Inc.',
    destination: 'US',
    items: [{ element: 'Dy', hsCode: '850511', description: 'NdFeB magnets containing dysprosium' }],
    quantity: { amount: 500, unit: 'kg' },
    appliedAt: '2025-04-15T09:00:00+08:00',
    citation: { reference: 'Company filing 2025-04-15' },
  };
}

export function genevaStatement(id: string, relatedMeasureIds: string[]) {
  return {
    id,
    ...genevaPayload,
    relatedMeasureIds,
    citation: GENEVA,
  };
}
