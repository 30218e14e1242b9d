import { defineMessages } from '../define';

/** The storyPage area's messages (keys prefixed `storyPage`). */
export const storyPage = defineMessages({
  th: {
    storyPageTitle: 'รายละเอียดอินโฟกราฟิก',
  },
  en: {
    storyPageTitle: 'Infographic details',
  },
});
