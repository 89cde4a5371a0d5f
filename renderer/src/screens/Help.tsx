/**
 * The event-day checklist and troubleshooting page, bundled into the console
 * from `docs/event-day.md` so it opens offline; `#/help/<section>` scrolls to
 * a section (the Overview's "no devices" advice links here).
 */
import { useEffect } from 'react';
import eventDay from '../../../docs/event-day.md?raw';
import { href } from '../lib/router';
import { Icon } from '../ui/icons';
import { Markdown } from '../ui/markdown';
import { PageHead } from '../ui/page';

export function Help({ section }: { section?: string }) {
  useEffect(() => {
    const el = section ? document.getElementById(section) : undefined;
    if (el) el.scrollIntoView({ block: 'start' });
    else window.scrollTo(0, 0);
  }, [section]);
  return (
    <>
      <PageHead
        title="Event day"
        subtitle="The organizer's checklist, and what to do when a check is not green."
        actions={
          <a className="btn" href={href({ screen: 'overview' })}>
            <Icon name="back" />
            Overview
          </a>
        }
      />
      <section className="card">
        <Markdown source={eventDay.replace(/^# .*\n/, '')} />
      </section>
    </>
  );
}
