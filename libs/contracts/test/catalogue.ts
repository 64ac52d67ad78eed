import type {
  AgreementConcluded,
  Citation,
  ControlledItem,
  ExportControlImposed,
  LicenceApplied,
  PartyListCreated,
  PartyListed,
  TariffImposed,
} from '../src/index';

/**
 * The one catalogue of sample policy data the tests draw on (see docs/domain.md): US–China
 * tariffs and China's rare-earth export controls of spring 2025, their stream ids and the
 * instruments they cite. The deciders' specs use these payloads as they are; the seed events
 * (`seed-events.ts`), the HTTP bodies of the end-to-end tests (`test/support/policy-bodies.ts`)
 * and the auditor tests' ledger (`test/support/audited-ledger.ts`) take the citations, ids and
 * payloads they share from here. Instants are UTC; "12:01 a.m. EDT"
 * is 04:01Z, "12:01 a.m. EST" 05:01Z, Beijing midnight 16:00Z the day before. Exporters and
 * licence quantities are illustrative, not facts.
 */

export const MOFCOM_18: Citation = {
  reference: 'MOFCOM/GAC Announcement No. 18 of 2025',
  title: 'Decision on implementing export control on certain medium and heavy rare-earth items',
};
export const MOFCOM_10: Citation = { reference: 'MOFCOM/GAC Announcement No. 10 of 2025' };
export const GENEVA_TITLE = 'Joint Statement on U.S.-China Economic and Trade Meeting in Geneva';
export const GENEVA: Citation = {
  url: 'https://www.whitehouse.gov/briefings-statements/2025/05/joint-statement-on-u-s-china-economic-and-trade-meeting-in-geneva/',
  reference: 'Joint statement, Geneva, 12 May 2025',
  title: GENEVA_TITLE,
};
export const EO_14257: Citation = { reference: 'Executive Order 14257 as amended' };
export const TARIFF_COMMISSION: Citation = {
  reference: 'State Council Tariff Commission announcement of 11 April 2025',
};
/** The presidential memorandum of 11 April 2025, excluding electronics from 5 April on. */
export const EXCEPTIONS_MEMORANDUM: Citation = {
  url: 'https://www.whitehouse.gov/presidential-actions/2025/04/clarification-of-exceptions-under-executive-order-14257-of-april-2-2025-as-amended/',
  reference: 'Presidential memorandum of 11 April 2025',
  title: 'Clarification of Exceptions Under Executive Order 14257 of April 2, 2025, as Amended',
};
export const ILLUSTRATIVE: Citation = { reference: 'Illustrative entry, not a real instrument' };

export const US_RECIPROCAL_CN = 'us-ieepa-reciprocal-cn';
export const US_FENTANYL_CN = 'us-ieepa-fentanyl-cn';
export const CN_RARE_EARTHS = 'cn-mofcom-2025-18-rare-earths';
export const DY_LICENCE = 'licence-dy-oxide-us-0001';
export const GENEVA_STATEMENT = 'us-cn-geneva-joint-statement';

/** Executive Order 14257: China's reciprocal rate, 34% from 2025-04-09 12:01 a.m. EDT. */
export const reciprocalOnChina: TariffImposed = {
  imposer: 'US',
  targets: ['CN'],
  program: 'US-IEEPA-RECIPROCAL',
  products: { scope: 'all' },
  title: 'Reciprocal tariff on products of the People’s Republic of China',
  legalInstrument: 'Executive Order 14257',
  announcedAt: '2025-04-02T20:00:00.000Z',
  rate: 34,
  validFrom: '2025-04-09T04:01:00.000Z',
  heading: '9903.01.63',
};

/** Executive Order 14195: the "fentanyl" duty on China, 10% from 2025-02-04, raised to 20% from 2025-03-04. */
export const fentanylOnChina: TariffImposed = {
  imposer: 'US',
  targets: ['CN', 'HK'],
  program: 'US-IEEPA-FENTANYL',
  products: { scope: 'all' },
  title: 'Additional duty on products of China (synthetic opioid supply chain)',
  legalInstrument: 'Executive Order 14195',
  announcedAt: '2025-02-01T22:00:00.000Z',
  rate: 10,
  validFrom: '2025-02-04T05:01:00.000Z',
  heading: null,
};

const rareEarth = (element: string, name: string): ControlledItem => ({
  element,
  description: `${name}: metal, alloys, oxides and compounds`,
});

/** The seven rare earths of 2025-04-04, with samarium under China's control code 1C902.a. */
export const sevenRareEarths: readonly ControlledItem[] = [
  { element: 'Sm', controlCode: '1C902.a', description: 'Samarium: metal, alloys, oxides and compounds' },
  rareEarth('Gd', 'Gadolinium'),
  rareEarth('Tb', 'Terbium'),
  rareEarth('Dy', 'Dysprosium'),
  rareEarth('Lu', 'Lutetium'),
  rareEarth('Sc', 'Scandium'),
  rareEarth('Y', 'Yttrium'),
];

/** MOFCOM/GAC Announcement No. 18 of 2025: licence required for all destinations from 2025-04-04 (Beijing). */
export const rareEarthControl: ExportControlImposed = {
  imposer: 'CN',
  destinations: ['*'],
  kind: 'licence-required',
  items: sevenRareEarths,
  legalInstrument: 'MOFCOM and GAC Announcement No. 18 of 2025',
  announcedAt: '2025-04-04T08:00:00.000Z',
  validFrom: '2025-04-03T16:00:00.000Z',
};

export const dysprosiumLicence: LicenceApplied = {
  exportControlId: CN_RARE_EARTHS,
  exporter: 'Example Rare Earth Trading Co. (illustrative)',
  consignee: 'Example Magnet Works Inc. (illustrative)',
  destination: 'US',
  items: [{ element: 'Dy', hsCode: '284690', description: 'Dysprosium oxide' }],
  quantity: { amount: 500, unit: 'kg' },
  appliedAt: '2025-04-21T02:00:00.000Z',
};

/** The Geneva joint statement of 2025-05-12: both sides cut duties for 90 days from 2025-05-14. */
export const genevaStatement: AgreementConcluded = {
  parties: ['US', 'CN'],
  title: GENEVA_TITLE,
  concludedAt: '2025-05-12T07:00:00.000Z',
  summary:
    'From 2025-05-14, for 90 days, the US cuts its additional duties on Chinese goods from 145% to 30% and China cuts its duties on US goods from 125% to 10%.',
  relatedMeasureIds: [US_RECIPROCAL_CN, US_FENTANYL_CN],
};

export const US_ENTITY_LIST = 'us-entity-list';

/** The US Entity List (15 CFR part 744, supplement no. 4), as a stream of listings. */
export const usEntityList: PartyListCreated = { imposer: 'US', name: 'Entity List' };

/** A made-up party, with an accented name and a transliterated alias, for screening by name. */
export const illustrativeParty: PartyListed = {
  partyId: 'mueller-optik',
  name: 'Müller Optik GmbH (illustrative)',
  aliases: ['Mueller Optics'],
  country: 'DE',
  addresses: ['Beispielstraße 1, 10115 Berlin'],
  reason: 'Illustrative listing: no real party or notice',
  licenceRequirement: 'For all items subject to the EAR',
  licenceReviewPolicy: 'Presumption of denial',
  validFrom: '2025-03-25T04:00:00.000Z',
};
