import { IronicResponseError } from './errors';

/** What to ask for: the page size and where the previous page ended. */
export interface PageRequest {
  limit: number;
  marker: string | undefined;
}

/** One answered page. */
export interface Page<T> {
  /** The valid items (invalid ones are reported and left out by the caller). */
  items: T[];
  /** How many items Ironic sent, valid or not. */
  received: number;
  /** The uuid of the last item Ironic sent: the next marker. */
  lastUuid: string | undefined;
  /** Whether Ironic's answer had a `next` link (sent when the page was full by its own limit). */
  hasNext: boolean;
  /** The request, for errors. */
  method: string;
  url: string;
  status: number;
}

/**
 * A listing fetched page by page with `marker` = the last item's uuid, every request carrying the same
 * filters. Ironic's `next` link is never followed (it drops most filters); only its presence is read,
 * to notice a server whose `max_limit` cut the page short.
 *
 * `for await (const page of list)` gives the pages as they arrive; `await list.all()` collects them.
 *
 * @public
 */
export class PagedList<T> implements AsyncIterable<T[]> {
  constructor(
    private readonly fetchPage: (request: PageRequest) => Promise<Page<T>>,
    private readonly pageSize: number,
    /** The most items to return in total. */
    private readonly limit = Infinity,
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<T[], void, undefined> {
    let marker: string | undefined;
    let remaining = this.limit;
    while (remaining > 0) {
      const limit = Math.min(this.pageSize, remaining);
      const page = await this.fetchPage({ limit, marker });
      const items = page.items.slice(0, remaining);
      remaining -= items.length;
      if (items.length > 0) yield items;
      const lastPage = page.received === 0 || (page.received < limit && !page.hasNext);
      if (lastPage) return;
      if (!page.lastUuid || page.lastUuid === marker) {
        throw new IronicResponseError(page.method, page.url, page.status, ['paging does not advance: the last item has no new uuid']);
      }
      marker = page.lastUuid;
    }
  }

  /** Every item of every page. */
  async all(): Promise<T[]> {
    const items: T[] = [];
    for await (const page of this) items.push(...page);
    return items;
  }
}
