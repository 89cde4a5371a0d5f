/**
 * The console's frame: a sidebar with the screens and the kit's status, and
 * the current screen from the hash route. The projector view takes the whole
 * window, without the frame.
 */
import type { KitInfo } from '../../shared/types';
import { AdminError, isDesktop, kit } from './client';
import { href, type Route, useRoute } from './lib/router';
import { TrafficProvider, useTicker, useTrafficModel } from './lib/traffic';
import { useLoad } from './lib/use-load';
import { Attendees } from './screens/Attendees';
import { Backup } from './screens/Backup';
import { Events } from './screens/Events';
import { Help } from './screens/Help';
import { Overview } from './screens/Overview';
import { Projector } from './screens/Projector';
import { Reports } from './screens/Reports';
import { Resources } from './screens/Resources';
import { Traffic } from './screens/Traffic';
import { Icon, type IconName } from './ui/icons';
import { ToastProvider } from './ui/toast';
import { WarningBanners } from './ui/warnings';

const nav: Array<{ screen: Route['screen']; label: string; icon: IconName }> = [
  { screen: 'overview', label: 'Overview', icon: 'overview' },
  { screen: 'events', label: 'Events', icon: 'events' },
  { screen: 'resources', label: 'Resources', icon: 'resources' },
  { screen: 'attendees', label: 'Attendees', icon: 'attendees' },
  { screen: 'traffic', label: 'Live traffic', icon: 'traffic' },
  { screen: 'reports', label: 'Reports', icon: 'reports' },
  { screen: 'backup', label: 'Backup', icon: 'backup' },
  { screen: 'projector', label: 'Projector', icon: 'projector' },
];

function KitStatus({ info, error }: { info?: KitInfo; error?: Error }) {
  const traffic = useTrafficModel();
  const now = useTicker(2000);
  const lastMinute = traffic.count(60, now);
  if (error)
    return (
      <div className="side-foot">
        <span className="pill bad">Not reachable</span>
        <span>{error.message}</span>
      </div>
    );
  return (
    <div className="side-foot">
      <span className="pill ok" style={{ justifySelf: 'start' }}>
        Serving on port {info?.port ?? '…'}
      </span>
      {info?.preflight.network.portNote && (
        <span className="pill warn" style={{ justifySelf: 'start' }}>
          Port {info.preflight.network.configuredPort} was busy
        </span>
      )}
      <span>{lastMinute} requests in the last minute</span>
      <span className="muted">
        {info ? `v${info.version}` : ''} · {isDesktop ? 'desktop' : 'headless'}
      </span>
    </div>
  );
}

function Frame({
  route,
  info,
  infoError,
  reloadInfo,
}: {
  route: Route;
  info?: KitInfo;
  infoError?: Error;
  reloadInfo: () => void;
}) {
  return (
    <div className="app">
      <aside className="side">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            AI
          </span>
          AI Proxy Kit
        </div>
        <nav className="nav" aria-label="Screens">
          {nav.map((n) => (
            <a
              key={n.screen}
              href={href({ screen: n.screen } as Route)}
              aria-current={route.screen === n.screen ? 'page' : undefined}
            >
              <Icon name={n.icon} />
              {n.label}
            </a>
          ))}
        </nav>
        <KitStatus info={info} error={infoError} />
      </aside>
      <main className="main">
        <WarningBanners warnings={info?.preflight.warnings ?? []} />
        {route.screen === 'overview' && <Overview info={info} reloadInfo={reloadInfo} />}
        {route.screen === 'help' && <Help section={route.section} />}
        {route.screen === 'events' && <Events />}
        {route.screen === 'resources' && <Resources />}
        {route.screen === 'attendees' && <Attendees eventId={route.eventId} />}
        {route.screen === 'traffic' && <Traffic />}
        {route.screen === 'reports' && <Reports eventId={route.eventId} />}
        {route.screen === 'backup' && <Backup />}
      </main>
    </div>
  );
}

/** Opened without the token (a bookmark, a copied URL): say where the real link is, not "error". */
function TokenGate({ retry }: { retry: () => void }) {
  return (
    <div className="gate">
      <div className="card">
        <span className="brand-mark" aria-hidden="true">
          AI
        </span>
        <h1>Open the console from the kit’s link</h1>
        <p>
          The organizer console needs the link the kit printed when it started. It looks like{' '}
          <code>http://127.0.0.1:8001/#token=…</code> and works only on this machine.
        </p>
        <p className="muted">
          Lost it? Restart the kit (<code>npm run serve</code>) to print it again; the token itself stays in the data
          folder, in <code>admin-token</code>.
        </p>
        <div className="actions">
          <button type="button" className="primary" onClick={retry}>
            Try again
          </button>
        </div>
      </div>
    </div>
  );
}

export function App() {
  const route = useRoute();
  // Often enough for the device count and warnings to feel live; kit.info is cheap.
  const info = useLoad(() => kit.kit.info({}), [], 5000);
  if (!info.data && info.error instanceof AdminError && info.error.code === 'unauthorized')
    return <TokenGate retry={info.reload} />;
  return (
    <ToastProvider>
      <TrafficProvider>
        {route.screen === 'projector' ? (
          <Projector eventId={route.eventId} info={info.data} reloadInfo={info.reload} />
        ) : (
          <Frame
            route={route}
            info={info.data}
            infoError={info.data ? undefined : info.error}
            reloadInfo={info.reload}
          />
        )}
      </TrafficProvider>
    </ToastProvider>
  );
}
