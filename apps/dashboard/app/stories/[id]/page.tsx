import { reachMetricOf, type Platform } from '@reachline/shared';
import { StoreErrorBox } from '../../../components/StoreErrorBox';
import { LivePage } from '../../../components/live/LivePage';
import { notFound } from 'next/navigation';
import { CountForm, ManualReachForm, MoveForm } from '../../../components/story/EditForms';
import { ReachChart, type ReachChartSeries } from '../../../components/story/ReachChart';
import { hasRole, requireRole } from '../../../lib/auth/guard';
import type { MessageKey } from '../../../lib/i18n/catalog';
import { formatDateBE, formatDateTimeBE, formatNumber } from '../../../lib/i18n/format';
import { getI18n } from '../../../lib/i18n/server';
import { getStoryPage, STORY_ID, type StoryPageData } from '../../../lib/queries/story';
import './story.css';

export const dynamic = 'force-dynamic';

/** Readings shown per post before "show all". */
const NEWEST = 8;
const DONE = ['manual', 'manualKept', 'count', 'split', 'group', 'moved'] as const;

export default async function StoryPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { id } = await params;
  const user = await requireRole('viewer', `/stories/${encodeURIComponent(id)}`);
  const query = await searchParams;
  const { lang, t } = await getI18n();
  const n = (value: number) => formatNumber(value, lang);
  const platformName = (p: Platform) => t(`storyPagePlatform_${p}`);

  let story: StoryPageData | null;
  try {
    story = await getStoryPage(id);
  } catch (err) {
    return <StoreErrorBox error={err} t={t} />;
  }
  if (!story) notFound();

  const canEdit = hasRole(user, 'editor');
  const showAll = query.all === '1';
  const done = DONE.find((d) => d === query.done);
  const newStory = typeof query.new === 'string' && STORY_ID.test(query.new) ? query.new : null;
  const threshold = n(story.threshold);

  // One line per post; a second post on the same platform gets a number.
  const seen = new Map<Platform, number>();
  const series: ReachChartSeries[] = story.posts.map((p) => {
    const count = (seen.get(p.platform) ?? 0) + 1;
    seen.set(p.platform, count);
    return {
      id: count === 1 ? platformName(p.platform) : `${platformName(p.platform)} ${count}`,
      platform: p.platform,
      counted: p.counted,
      points: p.points.map((pt) => ({ at: pt.at.getTime(), reach: pt.reach })),
    };
  });
  const countedNames =
    story.countedPlatforms.length === 0
      ? t('storyPageAllPlatforms')
      : story.countedPlatforms
          .map((p) => `${platformName(p)} (${reachMetricOf(p).metric})`)
          .join(', ');
  const latest = series
    .map((s, i) => {
      const value = story.posts[i]!.latestReach;
      return `${t('storyPageLatestItem', {
        platform: s.id,
        reach: value === null ? t('storyPageNoValue') : n(value),
      })} ${t(s.counted ? 'storyPageCountedMark' : 'storyPageNotCountedMark')}`;
    })
    .join('; ');
  const sameMonth = story.sameMonth.map((s) => ({
    id: s.id,
    label: `${formatDateBE(s.publishedAt, lang)} · ${s.title.slice(0, 70)}`,
  }));
  const hasPoints = series.some((s) => s.points.length > 0);

  return (
    <article className="story-page">
      <p className="story-back">
        <a href="/stories">{t('storyPageBack')}</a>
      </p>
      <h1 data-testid="story-title">{story.title}</h1>
      <LivePage projectId={story.projectId} fiscalYear={story.fiscalYear} t={t} />
      <p className="story-meta">
        {t('storyPagePublished', { date: formatDateTimeBE(story.publishedAt, lang) })}
      </p>

      {done ? (
        <p className="story-done" role="status" data-testid="edit-done">
          {t(`storyPageDone_${done}` as MessageKey)}{' '}
          {newStory ? <a href={`/stories/${newStory}`}>{t('storyPageNewStoryLink')}</a> : null}
        </p>
      ) : null}

      <section className="story-summary" aria-labelledby="story-reach-h">
        <h2 id="story-reach-h" className="label">
          {t('storyPageReach')}
        </h2>
        <p className="value" data-testid="story-reach" data-reach={story.reach}>
          {t('storyPageReachPeople', { reach: n(story.reach) })}
        </p>
        <p
          className={story.passed ? 'pass' : 'fail'}
          data-testid="story-passed"
          data-passed={story.passed}
        >
          {story.passed
            ? t('storyPagePassed', { threshold })
            : t('storyPageNotPassed', { threshold, gap: n(story.threshold - story.reach) })}
          {story.crossedThresholdAt
            ? ` · ${t('storyPagePassedAt', { date: formatDateTimeBE(story.crossedThresholdAt, lang) })}`
            : ''}
        </p>
        <p className="note" data-testid="story-rule">
          {t(story.reachMode === 'max' ? 'storyPageRuleMax' : 'storyPageRuleSum', {
            platforms: countedNames,
          })}
        </p>
      </section>

      <section aria-labelledby="story-chart-h">
        <h2 id="story-chart-h">{t('storyPageChartTitle')}</h2>
        {hasPoints ? (
          <figure className="story-figure">
            <ReachChart
              series={series}
              threshold={story.threshold}
              thresholdLegend={t('storyPageThresholdLegend', { threshold })}
              ariaLabel={t('storyPageChartLabel', { threshold })}
              lang={lang}
            />
            <ul className="chart-legend">
              {series.map((s) => (
                <li key={s.id}>
                  <span className={`swatch swatch-${s.platform}`} aria-hidden="true" /> {s.id}{' '}
                  {t(s.counted ? 'storyPageCountedMark' : 'storyPageNotCountedMark')}
                </li>
              ))}
            </ul>
            <figcaption data-testid="chart-caption">
              {t('storyPageChartCaption', { threshold, latest })}
            </figcaption>
          </figure>
        ) : (
          <p>{t('storyPageChartEmpty')}</p>
        )}
      </section>

      <section aria-labelledby="story-posts-h">
        <h2 id="story-posts-h">{t('storyPagePostsTitle')}</h2>
        <div className="table-scroll">
          <table className="posts-table" data-testid="posts-table">
            <thead>
              <tr>
                <th scope="col">{t('storyPageColPlatform')}</th>
                <th scope="col">{t('storyPageColMetric')}</th>
                <th scope="col" className="num">
                  {t('storyPageColLatest')}
                </th>
                <th scope="col">{t('storyPageColSource')}</th>
                <th scope="col">{t('storyPageColCounted')}</th>
              </tr>
            </thead>
            <tbody>
              {story.posts.map((p, i) => (
                <tr key={p.id} data-post={p.id} data-counted={p.counted}>
                  <td>
                    {p.url ? (
                      <a href={p.url} rel="noopener noreferrer" target="_blank">
                        {series[i]!.id}
                      </a>
                    ) : (
                      series[i]!.id
                    )}
                  </td>
                  <td>
                    {t(`storyPageMetric_${p.platform}`)} <code>{p.metric}</code>
                  </td>
                  <td className="num">
                    {p.latestReach === null ? t('storyPageNoValue') : n(p.latestReach)}
                  </td>
                  <td>{p.latestReachSource ?? '–'}</td>
                  <td>
                    {t(p.counted ? 'storyPageCountedYes' : 'storyPageCountedNo')} (
                    {t(p.countOverride ? 'storyPageCountedByEditor' : 'storyPageCountedByRule')})
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      {story.posts.map((p, i) => {
        const name = series[i]!.id;
        const newestFirst = [...p.points].reverse();
        const shown = showAll ? newestFirst : newestFirst.slice(0, NEWEST);
        return (
          <section
            key={p.id}
            className="story-post"
            data-testid={`post-${p.id}`}
            aria-labelledby={`post-${p.id}-h`}
          >
            <h2 id={`post-${p.id}-h`}>{t('storyPageSnapshotsTitle', { platform: name })}</h2>
            <p className="post-title">{p.title}</p>
            {shown.length === 0 ? (
              <p>{t('storyPageSnapshotsNone')}</p>
            ) : (
              <div className="table-scroll">
                <table
                  className="snapshots"
                  data-testid="snapshot-table"
                  data-platform={p.platform}
                >
                  <caption>
                    {t('storyPageSnapshotsCaption', {
                      platform: name,
                      metric: `${t(`storyPageMetric_${p.platform}`)}, ${p.metric}`,
                    })}
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('storyPageColTime')}</th>
                      <th scope="col">{t('storyPageColPlatform')}</th>
                      <th scope="col" className="num">
                        {t('storyPageColReach')}
                      </th>
                      <th scope="col">{t('storyPageColSource')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {shown.map((pt) => (
                      <tr
                        key={pt.at.toISOString() + pt.source}
                        data-testid="snapshot-row"
                        data-at={pt.at.toISOString()}
                        data-reach={pt.reach}
                        data-source={pt.source}
                      >
                        <td>{formatDateTimeBE(pt.at, lang)}</td>
                        <td>{name}</td>
                        <td className="num">{n(pt.reach)}</td>
                        <td>
                          <span
                            className={`source source-${pt.source}`}
                            title={t(
                              pt.source === 'manual'
                                ? 'storyPageSourceManualLong'
                                : 'storyPageSourceApiLong',
                            )}
                          >
                            {t(
                              pt.source === 'manual'
                                ? 'storyPageSourceManual'
                                : 'storyPageSourceApi',
                            )}
                          </span>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {p.points.length > NEWEST ? (
              <p>
                {showAll ? (
                  <a href={`/stories/${story.id}`}>{t('storyPageShowNewest', { count: NEWEST })}</a>
                ) : (
                  <a href={`/stories/${story.id}?all=1`}>
                    {t('storyPageShowAll', { count: p.points.length })}
                  </a>
                )}
              </p>
            ) : null}
            {canEdit ? (
              <div className="story-edit" data-testid="edit-controls">
                <h3>{t('storyPageEditTitle')}</h3>
                <div className="edit-grid">
                  <ManualReachForm storyId={story.id} postId={p.id} lang={lang} />
                  <CountForm
                    storyId={story.id}
                    postId={p.id}
                    lang={lang}
                    current={p.countOverride}
                  />
                  <MoveForm
                    storyId={story.id}
                    postId={p.id}
                    lang={lang}
                    canSplit={story.posts.length > 1}
                    stories={sameMonth}
                  />
                </div>
              </div>
            ) : null}
          </section>
        );
      })}
    </article>
  );
}
