import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '@ledger/database';
import { deadLetterSummary } from '@ledger/projection';
import { ProjectorStatus } from './projector.status';
import { NotReady, type ReadinessCheck } from '@ledger/http';

/**
 * The projector is ready while the read models keep up with the topic. It is not when its
 * consumer has stopped for good (kafkajs gave it up, e.g. refused by an ACL), when a
 * partition is stuck (its batch keeps failing, so everything behind it waits) or when events are
 * known to be missing from the read models: streams parked behind a gap, or events the read
 * models refused ('apply-failed', until re-driven). Records that are no events of this topic
 * instance (unparseable, foreign...) show in the metrics only: nothing an operator does makes
 * them apply, and the read models lack nothing because of them.
 */
@Injectable()
export class ProjectionReadiness implements ReadinessCheck {
  readonly name = 'projection';

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly status: ProjectorStatus,
  ) {}

  async check(): Promise<Record<string, unknown>> {
    const stopped = this.status.stopped();
    if (stopped) throw new NotReady('consumer-stopped', { since: stopped.toISOString() });
    const stuck = this.status.stuckPartitions();
    if (stuck.length > 0) {
      throw new NotReady('stuck', {
        partitions: stuck.map(({ partition, since }) => ({ partition, since: since.toISOString() })),
      });
    }
    let summary;
    try {
      summary = await deadLetterSummary(this.pool);
    } catch (error) {
      throw new NotReady('unreachable', {}, error);
    }
    const applyFailed = summary.unresolved['apply-failed'];
    if (summary.parkedStreams > 0 || applyFailed > 0) {
      throw new NotReady('parked', { parkedStreams: summary.parkedStreams, applyFailed });
    }
    return { partitions: this.status.assignedPartitions(), lag: this.status.lag() };
  }
}
