// IndexedDB for the vault key and the event log, in memory.
import 'fake-indexeddb/auto';
