// Schedules: each call in a file of its own under schedules/.
export { deleteSchedule } from './schedules/delete.js';
export { dueSchedules, listSchedules } from './schedules/list.js';
export { getSchedule } from './schedules/read.js';
export { recordFires } from './schedules/record-fires.js';
export { triggerSchedule } from './schedules/trigger.js';
export { setSchedulePaused, upsertSchedule } from './schedules/upsert.js';
