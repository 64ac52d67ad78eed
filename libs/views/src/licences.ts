import {
  type AnyEventEnvelope,
  type EventEnvelope,
  type Instant,
  type LicenceApplied,
  type LicenceApproved,
  type LicenceDenied,
  type LicenceRevoked,
} from '@ledger/contracts';
import { byVersion, knownBy, streamsOf } from './known-events';
import { at, compareText } from './time';
import type { LicenceFilter, LicenceViewState, LicenceStatus, LicenceSummary } from './view-types';

type LicenceDecision =
  EventEnvelope<'LicenceApproved'> | EventEnvelope<'LicenceDenied'> | EventEnvelope<'LicenceRevoked'>;

function isLicenceDecision(event: AnyEventEnvelope): event is LicenceDecision {
  return (
    event.type === 'LicenceApproved' || event.type === 'LicenceDenied' || event.type === 'LicenceRevoked'
  );
}

/** Where a decision starts to count in valid time: an approval or denial when taken, a revocation from its validFrom. */
function takesEffectAt(decision: LicenceDecision): number {
  switch (decision.type) {
    case 'LicenceApproved':
    case 'LicenceDenied':
      return at(decision.data.decidedAt);
    case 'LicenceRevoked':
      return at(decision.data.validFrom);
  }
}

/**
 * A licence's status at T: the latest-recorded known decision that has taken effect by T, or
 * `pending` when none has; an approval whose validTo is at or before T reads `expired`.
 */
function licenceStatusAt(decisions: readonly LicenceDecision[], time: number): LicenceStatus {
  const decision = decisions.filter((candidate) => takesEffectAt(candidate) <= time).at(-1);
  if (decision === undefined) return 'pending';
  switch (decision.type) {
    case 'LicenceApproved': {
      const { validTo } = decision.data;
      return validTo != null && at(validTo) <= time ? 'expired' : 'approved';
    }
    case 'LicenceDenied':
      return 'denied';
    case 'LicenceRevoked':
      return 'revoked';
  }
}

/**
 * A licence from its known events: its state, and its decisions in recorded order. The state
 * holds the latest known decision of each kind whether or not it has taken effect at some T,
 * as a measure's state holds its whole known timeline.
 */
function licenceOf(
  known: readonly AnyEventEnvelope[],
): { decisions: LicenceDecision[]; state: LicenceViewState } | null {
  let application: LicenceApplied | null = null;
  let approval: LicenceApproved | null = null;
  let denial: LicenceDenied | null = null;
  let revocation: LicenceRevoked | null = null;
  const decisions: LicenceDecision[] = [];
  // Only licence events matter here; a retraction has already removed what it retracts.
  for (const event of [...known].sort(byVersion)) {
    if (event.type === 'LicenceApplied') application = event.data;
    if (!isLicenceDecision(event)) continue;
    decisions.push(event);
    if (event.type === 'LicenceApproved') approval = event.data;
    else if (event.type === 'LicenceDenied') denial = event.data;
    else revocation = event.data;
  }
  if (application === null) return null;
  return {
    decisions,
    state: {
      exportControlId: application.exportControlId,
      exporter: application.exporter,
      consignee: application.consignee ?? null,
      destination: application.destination,
      items: application.items,
      quantity: application.quantity ?? null,
      appliedAt: application.appliedAt,
      approval,
      denial,
      revocation,
    },
  };
}

/** A licence's state from its known events, without a status: what does not depend on T. */
export function foldLicenceState(known: readonly AnyEventEnvelope[]): LicenceViewState | null {
  return licenceOf(known)?.state ?? null;
}

/** A licence from its known events, with its status at T; null when no application is known. */
export function foldLicence(
  known: readonly AnyEventEnvelope[],
  asOf: Instant,
): { status: LicenceStatus; state: LicenceViewState } | null {
  const licence = licenceOf(known);
  return licence && { status: licenceStatusAt(licence.decisions, at(asOf)), state: licence.state };
}

/**
 * Every licence as currently known (no retracted event counts) with its status at `asOf`
 * (the listing passes now), filtered; by licence id.
 */
export function evaluateLicences(
  events: readonly AnyEventEnvelope[],
  filter: LicenceFilter,
  asOf: Instant,
): LicenceSummary[] {
  const recordedVersions = new Map<string, number>();
  for (const event of events) {
    recordedVersions.set(
      event.streamId,
      Math.max(recordedVersions.get(event.streamId) ?? 0, event.streamVersion),
    );
  }
  const licences: LicenceSummary[] = [];
  for (const [id, stream] of streamsOf(knownBy(events, Number.POSITIVE_INFINITY))) {
    if (stream[0].streamType !== 'licence') continue;
    const licence = foldLicence(stream, asOf);
    if (licence === null) continue;
    if (filter.status !== undefined && licence.status !== filter.status) continue;
    if (filter.exportControlId !== undefined && licence.state.exportControlId !== filter.exportControlId)
      continue;
    if (filter.destination !== undefined && licence.state.destination !== filter.destination) continue;
    licences.push({ id, status: licence.status, version: recordedVersions.get(id) ?? 0, ...licence.state });
  }
  return licences.sort((a, b) => compareText(a.id, b.id));
}
