import { type AgreementConcluded, type AnyEventEnvelope, type EventEnvelope } from '@ledger/contracts';
import { codesAt, coverageOf } from './coverage';
import { itemsAt } from './export-control-items';
import { byVersion, knownBy } from './known-events';
import { foldLicence } from './licences';
import { partiesListedAt } from './party-listings';
import { timelineOf, statusAt, paintAt, lifeOf, partialSuspensionOf, windowsOf } from './timeline';
import { at, instant } from './time';
import type { Bitemporal, MeasureView } from './view-types';

/** An agreement is what its latest known conclusion says. */
export function foldAgreement(known: readonly AnyEventEnvelope[]): AgreementConcluded | null {
  const concluded = [...known]
    .sort(byVersion)
    .filter((event): event is EventEnvelope<'AgreementConcluded'> => event.type === 'AgreementConcluded')
    .at(-1);
  return concluded?.data ?? null;
}

/** Any stream's state and status at T as known at K; null when nothing (or no creation) is known of it. */
export function evaluateMeasure(
  events: readonly AnyEventEnvelope[],
  id: string,
  { asOf, knownAt }: Bitemporal,
): MeasureView | null {
  const horizon = at(knownAt);
  const recorded = events.filter((event) => event.streamId === id && at(event.recordedAt) <= horizon);
  if (recorded.length === 0) return null;
  const version = Math.max(...recorded.map((event) => event.streamVersion));
  const stream = knownBy(events, horizon)
    .filter((event) => event.streamId === id)
    .sort(byVersion);
  const time = at(asOf);
  const streamType = recorded[0].streamType;
  switch (streamType) {
    case 'tariff-measure': {
      const timeline = timelineOf(stream);
      if (timeline === undefined || timeline.creation.type === 'ExportControlImposed') return null;
      const { creation } = timeline;
      const measure = creation.data;
      const announced = creation.type === 'TariffAnnounced';
      return {
        id,
        streamType,
        status: statusAt(timeline, time),
        version,
        state: {
          imposer: measure.imposer,
          targets: measure.targets,
          excludedTargets: measure.excludedTargets ?? [],
          program: measure.program,
          products: measure.products,
          title: measure.title,
          legalInstrument: measure.legalInstrument ?? null,
          announcedAt: instant(at(measure.announcedAt)),
          life: lifeOf(timeline),
          suspensions: windowsOf(timeline),
          partialSuspensions: timeline.partialSuspensions.map(partialSuspensionOf),
          rate: announced ? null : (paintAt(timeline, time)?.rate ?? null),
          intendedRate: announced ? measure.rate : null,
          withdrawal: timeline.withdrawal && {
            withdrawnAt: instant(at(timeline.withdrawal.withdrawnAt)),
            reason: timeline.withdrawal.reason,
          },
          coverage: coverageOf(codesAt(measure.products, timeline, time), measure.imposer),
        },
      };
    }
    case 'export-control': {
      const timeline = timelineOf(stream);
      if (timeline?.creation.type !== 'ExportControlImposed') return null;
      const control = timeline.creation.data;
      return {
        id,
        streamType,
        status: statusAt(timeline, time),
        version,
        state: {
          imposer: control.imposer,
          destinations: control.destinations,
          excludedDestinations: control.excludedDestinations ?? [],
          kind: control.kind,
          legalInstrument: control.legalInstrument,
          announcedAt: instant(at(control.announcedAt)),
          life: lifeOf(timeline),
          suspensions: windowsOf(timeline),
          items: itemsAt(timeline, time),
          licenceReports: timeline.licenceReports,
        },
      };
    }
    case 'licence': {
      const licence = foldLicence(stream, asOf);
      return licence && { id, streamType, status: licence.status, version, state: licence.state };
    }
    case 'agreement': {
      const agreement = foldAgreement(stream);
      return agreement && { id, streamType, status: 'concluded', version, state: agreement };
    }
    case 'party-listing': {
      const creation = stream.filter((event) => event.type === 'PartyListCreated').at(-1);
      if (creation?.type !== 'PartyListCreated') return null;
      const { imposer, name } = creation.data;
      const parties = partiesListedAt(id, stream, time);
      return { id, streamType, status: 'kept', version, state: { imposer, name, parties } };
    }
    case 'ledger':
      // The ledger's own stream is no measure; its events are read through the event feed.
      return null;
  }
}
