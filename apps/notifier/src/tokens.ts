export const NOTIFIER_POOL = Symbol('NOTIFIER_POOL');
export const NOTIFIER_KAFKA = Symbol('NOTIFIER_KAFKA');
