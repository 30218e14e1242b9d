import { defineMessages } from '../define';

/** The reports area's messages (keys prefixed `reports`). */
export const reports = defineMessages({
  th: {
    reportsTitle: 'รายงาน',
  },
  en: {
    reportsTitle: 'Reports',
  },
});
