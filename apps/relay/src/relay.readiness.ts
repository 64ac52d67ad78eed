import { Inject, Injectable } from '@nestjs/common';
import { LEDGER_CONFIG, type LedgerConfig } from '@ledger/config';
import { NotReady, type ReadinessCheck } from '@ledger/http';
import { RelayService } from './relay.service';

/**
 * The relay's own duty in /health/ready: a leader that publishes, or a standby that can take
 * over. A relay that refuses to publish (the topic and the journal disagree) or whose last term
 * failed is not ready, and says why; a leader reports how far the topic is behind the journal.
 * A leader held back longer than RELAY_WAIT_ALARM_MS by a transaction still open on the server
 * is not ready either: nothing is lost, but the topic has stopped following the journal.
 */
@Injectable()
export class RelayReadiness implements ReadinessCheck {
  readonly name = 'publishing';

  constructor(
    private readonly relay: RelayService,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {}

  check(): Promise<Record<string, unknown>> {
    const state = this.relay.state;
    switch (state.role) {
      case 'starting':
        throw new NotReady('starting');
      case 'standby':
        return Promise.resolve({ role: 'standby', clusterId: state.clusterId });
      case 'leader': {
        const heldBackMs = state.heldBackSince && Date.now() - state.heldBackSince.getTime();
        if (heldBackMs !== undefined && heldBackMs > this.config.relay.waitAlarmMs) {
          throw new NotReady('held-back-by-an-open-transaction', {
            since: state.heldBackSince?.toISOString(),
            heldBackMs,
            published: state.published,
            head: state.head,
            detail:
              'committed events wait for a transaction that began before them and is still open on the ' +
              'PostgreSQL server (any database); pg_stat_activity shows it by xact_start and backend_xid',
          });
        }
        return Promise.resolve({
          role: 'leader',
          clusterId: state.clusterId,
          topicInstance: state.topicInstance,
          published: state.published,
          head: state.head,
          lag:
            state.head !== undefined && state.published !== undefined
              ? state.head - state.published
              : undefined,
        });
      }
      case 'refusing':
        // The detail is the relay's own account of the disagreement, never a driver's message.
        throw new NotReady('refusing-to-publish', { refusal: state.reason, detail: state.detail });
      case 'failing':
        throw new NotReady(state.reason);
    }
  }
}
