import type { Schema } from './admin-api-client';

/** Request bodies from the seed scenario (docs/domain.md), for writes through the public API. */
export const citation = {
  url: 'https://www.whitehouse.gov/presidential-actions/2025/04/modifying-reciprocal-tariff-rates/',
  reference: 'Executive Order 14259',
};

export function imposeReciprocalOnChina(id: string): Schema<'ImposeTariffDto'> {
  return {
    id,
    imposer: 'US',
    targets: ['CN'],
    excludedTargets: [],
    program: 'US-IEEPA-RECIPROCAL',
    products: { scope: 'all', excludedCodes: ['2709'] },
    title: 'Reciprocal tariff on goods of China',
    legalInstrument: 'Executive Order 14257',
    announcedAt: '2025-04-02T20:00:00Z',
    rate: 34,
    validFrom: '2025-04-09T04:01:00Z',
    citation: { ...citation, reference: 'Executive Order 14257' },
  };
}

export const raiseTo84 = { rate: 84, validFrom: '2025-04-09T04:01:00Z', citation };

/** The presidential memorandum of 11 April 2025, excluding electronics from 5 April on. */
export const exceptionsMemorandum = {
  url: 'https://www.whitehouse.gov/presidential-actions/2025/04/clarification-of-exceptions-under-executive-order-14257-of-april-2-2025-as-amended/',
  reference: 'Presidential memorandum of 11 April 2025',
  title: 'Clarification of Exceptions Under Executive Order 14257 of April 2, 2025, as Amended',
};

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
    parties: ['US', 'CN'],
    title: 'Joint Statement on U.S.-China Economic and Trade Meeting in Geneva',
    concludedAt: '2025-05-12T08:00:00Z',
    summary: 'Both sides lower additional tariffs by 115 percentage points for 90 days from 14 May 2025.',
    relatedMeasureIds,
    citation: { url: 'https://www.whitehouse.gov/briefings-statements/2025/05/joint-statement/' },
  };
}
