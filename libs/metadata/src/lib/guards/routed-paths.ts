import { routeMetadataPath, type RoutedPath } from '@ironic-metadata/formatters';
import { LRUCache } from 'lru-cache';
import type { Refusal } from '../refusal';
import { MAX_PATH_LENGTH, refusePath } from './request-guard';

/** What a raw request path comes to before anyone asks who the client is. */
export interface PathVerdict {
  /** Why the path is refused outright (`refusePath`), if it is. */
  refused?: Refusal;
  routed: RoutedPath;
}

const MS_PER_DAY = 86_400_000;

/**
 * `refusePath` and `routeMetadataPath` of each raw path, remembered: both are pure functions of the
 * path and of the UTC day (which OpenStack versions are offered), and nodes ask a few dozen paths
 * over and over. Parsing and routing them anew cost about a tenth of each answer (tools/bench). At
 * most `max` paths are kept, the least recently asked going first, so a client sending random paths
 * costs no more than parsing them (and none longer than `MAX_PATH_LENGTH` is kept); every verdict is
 * forgotten when the day changes.
 */
export class RoutedPaths {
  private readonly verdicts: LRUCache<string, PathVerdict>;
  /** The UTC day the remembered verdicts were made on (days since the epoch). */
  private day = Number.NaN;

  constructor(max = 1024) {
    this.verdicts = new LRUCache({ max });
  }

  /** The verdict on `rawPath` at `now`. The objects are shared between requests: read them, never change them. */
  verdict(rawPath: string, now: Date): PathVerdict {
    const day = Math.floor(now.getTime() / MS_PER_DAY);
    if (day !== this.day) {
      this.verdicts.clear();
      this.day = day;
    }
    const known = this.verdicts.get(rawPath);
    if (known) return known;
    const refused = refusePath(rawPath);
    const verdict: PathVerdict = { routed: routeMetadataPath(rawPath, { now }), ...(refused ? { refused } : {}) };
    // A path refused for its length is not kept: a client sending long random paths would otherwise
    // hold `max` of them (up to the 8 KiB a request head may have each), where nodes ask short ones.
    if (rawPath.length <= MAX_PATH_LENGTH) this.verdicts.set(rawPath, verdict);
    return verdict;
  }
}
