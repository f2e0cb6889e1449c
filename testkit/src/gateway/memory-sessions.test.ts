import { createMemorySessionStore } from './memory-sessions';
import { sessionStoreBehaviour } from '../behaviour/sessions.behaviour';

const store = createMemorySessionStore();
sessionStoreBehaviour(() => store);
