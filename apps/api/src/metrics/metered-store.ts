import type { DataStore } from '@tus/utils';

/**
 * Tells `onBytes` how many bytes each PATCH stored: the store's write answers the new
 * offset. Wraps that one method of the instance (whatever the store's class), so the
 * bytes counted are those the location accepted, not those the client sent.
 */
export function meterWrites(store: DataStore, onBytes: (count: number) => void): DataStore {
  const write = store.write.bind(store);
  store.write = async (stream, id, offset) => {
    const end = await write(stream, id, offset);
    onBytes(end - offset);
    return end;
  };
  return store;
}
