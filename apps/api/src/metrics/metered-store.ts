import type { DataStore } from '@tus/utils';

/**
 * Tells `onWritten` what each PATCH stored: the store's write answers the new offset.
 * Wraps that one method of the instance (whatever the store's class), so the bytes
 * counted are those the location accepted, not those the client sent. The PATCH is
 * answered once `onWritten` is done.
 */
export function meterWrites(
  store: DataStore,
  onWritten: (written: { id: string; bytes: number; offset: number }) => void | Promise<void>,
): DataStore {
  const write = store.write.bind(store);
  store.write = async (stream, id, offset) => {
    const end = await write(stream, id, offset);
    await onWritten({ id, bytes: end - offset, offset: end });
    return end;
  };
  return store;
}
