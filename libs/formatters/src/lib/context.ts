/**
 * What parsing a path needs: which OpenStack versions are offered depends on the day.
 *
 * @public
 */
export interface PathContext {
  now: Date;
}

/**
 * What rendering needs from outside, so the renderers stay pure: the clock and the entropy are the
 * caller's.
 *
 * @public
 */
export interface RenderContext extends PathContext {
  /**
   * `meta_data.json` `random_seed` (Grizzly and later): base64 of 512 random bytes, as Nova sends.
   * Make a fresh one per request, e.g. `crypto.randomBytes(512).toString('base64')`.
   */
  randomSeed: string;
}
