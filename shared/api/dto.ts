import type { z } from "zod";

/** True when A and B are assignable both ways and have the same top-level keys. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? ([keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false) : false) : false;

/**
 * A response schema for the DTO type `T` (an interface of shared/, which the
 * SDK and the handlers use by name). The schema's output must be `T`: the
 * same fields, assignable both ways, or this does not compile; so the
 * OpenAPI document cannot drift from the types the code is checked against.
 *
 * ```ts
 * export const TokenResponseSchema = dto<TokenResponse>()(z.object({ … }));
 * ```
 */
export function dto<T>() {
  return <S extends z.ZodType>(schema: S, ..._sameAsType: Same<z.output<S>, T> extends true ? [] : ["the schema's output differs from the DTO type", z.output<S>]): z.ZodType<T> & S =>
    schema as z.ZodType<T> & S;
}
