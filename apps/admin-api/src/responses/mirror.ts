/**
 * Compile-time proof that a response DTO documents exactly a type the code answers with: the
 * same field names, and every value of `Answer` is a value of `Dto`. With `implements Answer`
 * on the DTO (each documented field fits the answer's), a field added, renamed, retyped or
 * removed on the answer side and not in the document fails the build.
 */
export type Mirrors<Dto, Answer> = [
  Exclude<keyof Dto, keyof Answer>,
  Exclude<keyof Answer, keyof Dto>,
] extends [never, never]
  ? Answer extends Dto
    ? true
    : false
  : false;

/** `type _ = Proven<Mirrors<A, B>>` compiles only when the proof holds. */
export type Proven<Proof extends true> = Proof;
