import { z } from 'zod';
import {
  type FileListQuery,
  type FilterableColumn,
  filterableColumns,
  type SortableColumn,
  sortableColumns,
} from '../db/file-records.js';
import { invalidQuery } from '../http/errors.js';

const MAX_LIMIT = 1000;

const operators = ['_eq', '_starts_with'] as const;
const filterSchema = z.partialRecord(
  z.enum(filterableColumns),
  z.strictObject({ _eq: z.string().optional(), _starts_with: z.string().optional() }),
);

/**
 * Directus' query parameters, the subset that makes sense for files:
 * `limit`, `offset`, `sort=-uploaded_on,title`, and filters on storage, type and upload
 * status, either bracketed (`filter[storage][_eq]=s3`) or as JSON (`filter={"type":{"_starts_with":"image/"}}`).
 */
export function parseListQuery(query: Record<string, unknown>): FileListQuery {
  const limit = integer(query.limit, 'limit', 100);
  const offset = integer(query.offset, 'offset', 0);
  if (limit < 1 || limit > MAX_LIMIT) throw invalidQuery(`limit must be between 1 and ${MAX_LIMIT}`);
  return { limit, offset, sort: parseSort(query.sort), filters: parseFilters(query) };
}

function integer(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  // A number once the route's schema has coerced it; a string from a query parsed without it.
  if (
    !['string', 'number'].includes(typeof value) ||
    !/^\d+$/.test(String(value)) ||
    !Number.isSafeInteger(number)
  ) {
    throw invalidQuery(`${name} must be a non-negative integer`);
  }
  return number;
}

function parseSort(value: unknown): FileListQuery['sort'] {
  if (value === undefined) return [{ column: 'uploaded_on', direction: 'asc' }];
  if (typeof value !== 'string') throw invalidQuery('sort must be a comma-separated list of fields');
  return value.split(',').map((field) => {
    const column = field.replace(/^-/, '');
    if (!(sortableColumns as readonly string[]).includes(column)) {
      throw invalidQuery(`Cannot sort by "${column}" (sortable: ${sortableColumns.join(', ')})`);
    }
    return { column: column as SortableColumn, direction: field.startsWith('-') ? 'desc' : 'asc' };
  });
}

function parseFilters(query: Record<string, unknown>): FileListQuery['filters'] {
  const tree: Record<string, Record<string, unknown>> = {};
  if (query.filter !== undefined) {
    try {
      Object.assign(tree, JSON.parse(String(query.filter)));
    } catch {
      throw invalidQuery('filter must be JSON, or use filter[field][_eq]=value');
    }
  }
  for (const [name, value] of Object.entries(query)) {
    const match = name.match(/^filter\[([^\]]+)\]\[([^\]]+)\]$/);
    if (!match) continue;
    tree[match[1]!] = { ...tree[match[1]!], [match[2]!]: value };
  }
  const parsed = filterSchema.safeParse(tree);
  if (!parsed.success) {
    throw invalidQuery(
      `Unsupported filter: filterable fields are ${filterableColumns.join(', ')}, operators ${operators.join(', ')}`,
    );
  }
  return Object.entries(parsed.data).flatMap(([column, conditions]) =>
    operators
      .filter((operator) => conditions?.[operator] !== undefined)
      .map((operator) => ({ column: column as FilterableColumn, operator, value: conditions![operator]! })),
  );
}
