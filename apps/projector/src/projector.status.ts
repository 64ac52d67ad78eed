import { Injectable } from '@nestjs/common';

/** What this member holds and how it fares, as the projection reports it: read by readiness. */
@Injectable()
export class ProjectorStatus {
  private assigned: readonly number[] = [];
  private readonly lags = new Map<number, number>();
  private readonly stuck = new Map<number, Date>();
  private stoppedSince: Date | undefined;

  assign(partitions: readonly number[]): void {
    this.assigned = [...partitions].sort((a, b) => a - b);
    for (const partition of this.lags.keys())
      if (!partitions.includes(partition)) this.lags.delete(partition);
  }

  recordLag(partition: number, lag: number): void {
    this.lags.set(partition, lag);
  }

  markStuck(partition: number, since: Date): void {
    this.stuck.set(partition, since);
  }

  clearStuck(partition: number): void {
    this.stuck.delete(partition);
  }

  assignedPartitions(): readonly number[] {
    return this.assigned;
  }

  /** Records not yet projected per partition, as of each partition's latest batch. */
  lag(): Readonly<Record<string, number>> {
    return Object.fromEntries(
      [...this.lags].sort(([a], [b]) => a - b).map(([partition, lag]) => [partition, lag]),
    );
  }

  /** Partitions whose batch keeps failing, with the time it first failed. */
  stuckPartitions(): readonly { readonly partition: number; readonly since: Date }[] {
    return [...this.stuck].sort(([a], [b]) => a - b).map(([partition, since]) => ({ partition, since }));
  }

  /** The consumer stopped for good: nothing is projected until the projector is started again. */
  markStopped(since: Date): void {
    this.stoppedSince = since;
  }

  stopped(): Date | undefined {
    return this.stoppedSince;
  }
}
