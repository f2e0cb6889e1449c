import { createMemorySessionStore } from './memory-sessions';
import { sessionStoreBehaviour } from './sessions.behaviour';

const store = createMemorySessionStore();
sessionStoreBehaviour(() => store);
