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
type Operator = (typeof operators)[number];

interface Condition {
  field: string;
  operator: string;
  value: unknown;
}

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

/**
 * Every `filter…` parameter must be a condition the list can apply: a malformed one
 * (`filter[storage]=x`), an unknown field (`filter[__proto__][_eq]=x`) or operator, or a
 * value that is not one string is refused, never ignored (which would answer every file).
 */
function parseFilters(query: Record<string, unknown>): FileListQuery['filters'] {
  const conditions: Condition[] = [];
  for (const [name, value] of Object.entries(query)) {
    if (name === 'filter') conditions.push(...jsonConditions(value));
    else if (name.startsWith('filter')) {
      const match = name.match(/^filter\[([^[\]]+)\]\[([^[\]]+)\]$/);
      if (!match)
        throw invalidQuery(`Malformed filter parameter "${name}": use filter[field][operator]=value`);
      conditions.push({ field: match[1]!, operator: match[2]!, value });
    }
  }
  return conditions.map(({ field, operator, value }) => {
    if (!(filterableColumns as readonly string[]).includes(field)) {
      throw invalidQuery(`Cannot filter by "${field}" (filterable: ${filterableColumns.join(', ')})`);
    }
    if (!(operators as readonly string[]).includes(operator)) {
      throw invalidQuery(`Unsupported filter operator "${operator}" (supported: ${operators.join(', ')})`);
    }
    if (typeof value !== 'string')
      throw invalidQuery(`The value of filter ${field} ${operator} must be one string`);
    return { column: field as FilterableColumn, operator: operator as Operator, value };
  });
}

/** `filter={"type":{"_starts_with":"image/"}}`; own keys only (JSON may hold a "__proto__" key). */
function jsonConditions(json: unknown): Condition[] {
  let tree: unknown;
  try {
    tree = JSON.parse(String(json));
  } catch {
    throw invalidQuery('filter must be JSON, or use filter[field][_eq]=value');
  }
  if (!isObject(tree))
    throw invalidQuery('filter must be a JSON object such as {"type":{"_eq":"image/png"}}');
  return Object.entries(tree).flatMap(([field, conditions]) => {
    if (!isObject(conditions))
      throw invalidQuery(`filter.${field} must be an object such as {"_eq":"value"}`);
    return Object.entries(conditions).map(([operator, value]) => ({ field, operator, value }));
  });
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
