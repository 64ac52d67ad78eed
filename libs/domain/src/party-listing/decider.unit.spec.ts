import type { PartyDelisted, PartyListed, PolicyEvent } from '@ledger/contracts';
import { specify } from '../testing/given-when-then';
import { US_ENTITY_LIST, illustrativeParty, usEntityList } from '../../../contracts/test/catalogue';
import { partyListingDecider } from './decider';

const given = specify(partyListingDecider);

const created: PolicyEvent = { type: 'PartyListCreated', data: usEntityList };
const listed: PolicyEvent = { type: 'PartyListed', data: illustrativeParty };
const delisting: PartyDelisted = {
  partyId: illustrativeParty.partyId,
  validFrom: '2025-09-01T04:00:00.000Z',
};
const delisted: PolicyEvent = { type: 'PartyDelisted', data: delisting };

const create = (data: Partial<typeof usEntityList> = {}) =>
  ({ type: 'CreatePartyList', streamId: US_ENTITY_LIST, data: { ...usEntityList, ...data } }) as const;
const list = (data: Partial<PartyListed> = {}) =>
  ({ type: 'ListParty', streamId: US_ENTITY_LIST, data: { ...illustrativeParty, ...data } }) as const;
const delist = (data: Partial<PartyDelisted> = {}) =>
  ({ type: 'DelistParty', streamId: US_ENTITY_LIST, data: { ...delisting, ...data } }) as const;

describe('party listing', () => {
  describe('creating a list', () => {
    it('records the Entity List', () => {
      given([]).when(create()).then([created]);
    });

    it('refuses a list that exists already', () => {
      given([created]).when(create()).thenThrows('stream-exists');
    });

    it('refuses an unnamed list, or one kept by *', () => {
      given([])
        .when(create({ name: ' ' }))
        .thenThrows('text-empty', 'name');
      given([])
        .when(create({ imposer: '*' }))
        .thenThrows('wildcard-misplaced', 'imposer');
    });
  });

  describe('listing a party', () => {
    it('adds a party to the list from its validFrom on', () => {
      given([created]).when(list()).then([listed]);
    });

    it('refuses a party that is already listed', () => {
      given([created, listed])
        .when(list({ name: 'Another name' }))
        .thenThrows('party-already-listed');
    });

    it('lists a delisted party again, from the delisting on', () => {
      const relisting = { validFrom: '2025-10-01T04:00:00.000Z' };
      given([created, listed, delisted])
        .when(list(relisting))
        .then([{ type: 'PartyListed', data: { ...illustrativeParty, ...relisting } }]);
      given([created, listed, delisted])
        .when(list({ validFrom: '2025-08-01T04:00:00.000Z' }))
        .thenThrows('listing-before-delisting');
    });

    it('takes the party as listed again once its delisting is retracted', () => {
      given([
        created,
        listed,
        delisted,
        { type: 'EventRetracted', data: { retractedEventId: 'event-3', reason: 'Wrong party' } },
      ])
        .when(list())
        .thenThrows('party-already-listed');
    });

    it('refuses a party on a list that does not exist, or on a stream that is not a list', () => {
      given([]).when(list()).thenThrows('stream-not-found');
      given([
        {
          type: 'AgreementConcluded',
          data: {
            parties: ['US', 'CN'],
            title: 'T',
            concludedAt: '2025-05-12T08:00:00.000Z',
            summary: 'S',
            relatedMeasureIds: [],
          },
        },
      ])
        .when(list())
        .thenThrows('wrong-stream-type');
    });

    it.each([
      ['name', { name: '' }],
      ['reason', { reason: ' ' }],
      ['licenceRequirement', { licenceRequirement: '' }],
      ['licenceReviewPolicy', { licenceReviewPolicy: '' }],
      ['aliases.1', { aliases: ['A', ' '] }],
      ['addresses.0', { addresses: [''] }],
    ])('refuses an empty %s', (field, data) => {
      given([created]).when(list(data)).thenThrows('text-empty', field);
    });

    it.each([
      ['name', { name: 'Co., Ltd.' }],
      ['aliases.1', { aliases: ['Alpha Trading', 'GmbH'] }],
    ])('refuses a %s that screening could never find (legal forms alone)', (field, data) => {
      given([created]).when(list(data)).thenThrows('name-unscreenable', field);
    });

    it('refuses an alias named twice, and a country that is not one', () => {
      given([created])
        .when(list({ aliases: ['A', 'B', 'A'] }))
        .thenThrows('aliases-duplicated', 'aliases.2');
      given([created])
        .when(list({ country: '*' }))
        .thenThrows('wildcard-misplaced', 'country');
      given([created])
        .when(list({ country: 'EU' }))
        .thenThrows('wildcard-misplaced', 'country');
    });
  });

  describe('delisting a party', () => {
    it('takes a listed party off the list from its validFrom on', () => {
      given([created, listed]).when(delist()).then([delisted]);
    });

    it('refuses a party that is not listed, or no longer', () => {
      given([created]).when(delist()).thenThrows('party-not-listed');
      given([created, listed, delisted]).when(delist()).thenThrows('party-not-listed');
      given([created, listed])
        .when(delist({ partyId: 'someone-else' }))
        .thenThrows('party-not-listed');
    });

    it('refuses a delisting that does not come after the listing in valid time', () => {
      given([created, listed])
        .when(delist({ validFrom: illustrativeParty.validFrom }))
        .thenThrows('delisting-not-after-listing');
    });

    it('refuses a party whose listing was retracted', () => {
      given([
        created,
        listed,
        { type: 'EventRetracted', data: { retractedEventId: 'event-2', reason: 'Wrong party' } },
      ])
        .when(delist())
        .thenThrows('party-not-listed');
    });
  });
});
