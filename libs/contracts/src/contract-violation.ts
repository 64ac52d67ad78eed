/** A record or document that does not honour the event contract (docs/architecture.md §3–§4). */
export class ContractViolation extends Error {
  constructor(readonly reason: string) {
    super(`contract violation: ${reason}`);
    this.name = 'ContractViolation';
  }
}
