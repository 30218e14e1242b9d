import { defineMessages } from '../define';

/** The stories area's messages (keys prefixed `stories`). */
export const stories = defineMessages({
  th: {
    storiesTitle: 'อินโฟกราฟิกทั้งหมด',
  },
  en: {
    storiesTitle: 'All infographics',
  },
});
