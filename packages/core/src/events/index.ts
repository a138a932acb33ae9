export { type CadenzaEvent, EVENT_TYPES, type EventType, type NewEvent } from './event.js';
export { type EventLog, type ReadOptions, subscribe } from './event-log.js';
export { MemoryEventLog } from './memory-event-log.js';
export { withEvents } from './store-events.js';
