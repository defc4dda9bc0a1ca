// IndexedDB for the vault key and the event log, in memory.
import 'fake-indexeddb/auto';
import { useMessagesOutsideExtension } from '../../src/ui/shared/i18n';
import { englishMessage } from '../fakes/english';

// The pages' words outside an extension: English, as the browser would give them.
useMessagesOutsideExtension(englishMessage);
