import { Injectable } from '@nestjs/common';
import { NotReady, type ReadinessCheck } from '@ledger/http';
import { RelayService } from './relay.service';

/**
 * The relay's own duty in /health/ready: a leader that publishes, or a standby that can take
 * over. A relay that refuses to publish (the topic and the journal disagree) or whose last term
 * failed is not ready, and says why; a leader reports how far the topic is behind the journal.
 */
@Injectable()
export class RelayReadiness implements ReadinessCheck {
  readonly name = 'publishing';

  constructor(private readonly relay: RelayService) {}

  check(): Promise<Record<string, unknown>> {
    const state = this.relay.state;
    switch (state.role) {
      case 'starting':
        throw new NotReady('starting');
      case 'standby':
        return Promise.resolve({ role: 'standby', clusterId: state.clusterId });
      case 'leader':
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
      case 'refusing':
        // The detail is the relay's own account of the disagreement, never a driver's message.
        throw new NotReady('refusing-to-publish', { refusal: state.reason, detail: state.detail });
      case 'failing':
        throw new NotReady(state.reason);
    }
  }
}
