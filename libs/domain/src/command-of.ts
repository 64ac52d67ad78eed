/** One write to one stream; `data` is the payload of the event it asks for. */
export interface CommandOf<T extends string, D> {
  readonly type: T;
  readonly streamId: string;
  readonly data: D;
}

/**
 * Every command of a stream type, and whether it starts a stream (`creates`) or needs it to
 * exist (`changes`). Typed by the stream's command union, so a command left out fails to compile.
 */
export type StreamCommands<C extends CommandOf<string, unknown>> = Readonly<
  Record<C['type'], 'creates' | 'changes'>
>;

/** The command types a StreamCommands record marks as creating. */
export type CreatingIn<R> = { [T in keyof R]: R[T] extends 'creates' ? T : never }[keyof R];
