import { defineMessages } from '../define';

/** The admin area's messages (keys prefixed `admin`). */
export const admin = defineMessages({
  th: {
    adminTitle: 'ผู้ดูแลระบบ',
  },
  en: {
    adminTitle: 'Administration',
  },
});
