import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Dialog } from '@/components/dialog';
import { brokerUrlOf } from '@/lib/broker-url';
import { ALREADY_IN_APP, appUrl, DEFAULT_THERMOSTAT_NAME, memberAlreadyWords } from '@/lib/pairing-link';
import type { DeviceInfo, SetupState, WifiNetwork } from '@/lib/setup/setup-machine';
import { MAX_NAME_LENGTH } from '@/lib/thermostats';
import { appStore, useAppStore } from '@/stores/app-store';
import { displayText, signalWords, wifiSettingsProblem, type WifiSettingsProblem } from './improv-answers';
import { applySetupEvent, SetupSession, type SerialPortChooser, type SetupTimeouts } from './setup-session';
import { unreachableBrokerWarning } from './unreachable-broker';
import { webSerial } from './web-serial';

/** The install page (firmware.html): ESP Web Tools flashes the image this site serves, then links back here. */
const INSTALL_PAGE = '/firmware.html';

interface SetupDialogProps {
  onClose: () => void;
  /** The browser's Web Serial by default; null where there is none. */
  serial?: SerialPortChooser | null;
  timeouts?: Partial<SetupTimeouts>;
  /** Whether this page may use Web Serial at all (https:// or localhost); the browser's answer by default. */
  secureContext?: boolean;
}

/** "Set up a new thermostat": USB cable, Web Serial, Improv Wi-Fi; ends with the thermostat paired. */
export function SetupDialog({ onClose, serial = webSerial(), timeouts, secureContext = globalThis.isSecureContext === true }: SetupDialogProps) {
  const setup = useAppStore((s) => s.setup);
  const chosenBrokerUrl = useAppStore((s) => s.preferences.brokerUrl);
  const brokerUrl = brokerUrlOf({ brokerUrl: chosenBrokerUrl });
  const brokerWarning = unreachableBrokerWarning(brokerUrl, chosenBrokerUrl !== null);
  // Kept while the dialog is open, so that a retry after a failed attempt does not ask again.
  const [goOnAnyway, setGoOnAnyway] = useState(false);
  const session = useRef<SetupSession | null>(null);
  const body = useRef<HTMLDivElement>(null);
  const shownStep = useRef(setup.step);

  // Each new step takes the focus to what it asks of the person (or what it says): the control that had it
  // may be gone or disabled. The dialog's own first focus stands.
  useEffect(() => {
    if (shownStep.current === setup.step) return;
    shownStep.current = setup.step;
    body.current?.querySelector<HTMLElement>('[data-step-focus]')?.focus();
  }, [setup.step]);

  useEffect(
    () => () => {
      void session.current?.close();
      session.current = null;
      applySetupEvent(appStore, { type: 'reset' });
    },
    [],
  );

  const connect = () => {
    if (serial === null || (brokerWarning !== null && !goOnAnyway)) return;
    void session.current?.close();
    const next = new SetupSession({ serial, store: appStore, brokerUrl, appUrl: appUrl(), ...(timeouts ? { timeouts } : {}) });
    session.current = next;
    void next.connect();
  };
  const actions: NetworkActions = {
    join: (ssid, password, name) => void session.current?.join(ssid, password, name),
    addAsItIs: (name) => void session.current?.addAsItIs(name),
    scan: () => void session.current?.scan(),
  };
  const replaceKey = () => void session.current?.replaceKey();

  return (
    <Dialog title="Set up a new thermostat" onClose={onClose}>
      <div ref={body}>
        {serial === null ? (
          <NoWebSerial brokerUrl={brokerUrl} secureContext={secureContext} />
        ) : setup.step === 'start' ? (
          <StartStep
            problem={setup.problem}
            brokerWarning={brokerWarning === null ? null : { text: brokerWarning, goOnAnyway, setGoOnAnyway }}
            onConnect={connect}
            onClose={onClose}
          />
        ) : setup.step === 'choosing-port' || setup.step === 'configuring' || setup.step === 'detecting' ? (
          <Progress setup={setup} />
        ) : setup.step === 'paired' ? (
          <PairedStep name={setup.name} alreadyMember={setup.alreadyMember === true} onClose={onClose} />
        ) : setup.step === 'already-paired' ? (
          <AlreadyPairedStep name={setup.name} onReplace={replaceKey} onClose={onClose} />
        ) : (
          <NetworkStep setup={setup} actions={actions} />
        )}
      </div>
    </Dialog>
  );
}

function NoWebSerial({ brokerUrl, secureContext }: { brokerUrl: string; secureContext: boolean }) {
  return (
    <div className="form">
      <p role="alert" className="banner banner-warn">
        {secureContext
          ? 'This browser cannot talk to a thermostat over USB: it has no Web Serial.'
          : 'This page cannot talk to a thermostat over USB: browsers allow Web Serial only on https:// pages (or localhost).'}
      </p>
      <p>
        Open this app in <strong>Chrome or Edge on a desktop or laptop computer</strong>
        {secureContext ? '' : ' at its https:// address'}, plug the thermostat in there and choose Set up a new thermostat.
      </p>
      <p className="muted small">
        Giving a thermostat its Wi-Fi needs Chrome or Edge on a computer, or another Improv Wi-Fi serial client. Its addresses can also be
        typed in any serial terminal (115200 baud), one line each: <code className="breakable">app {appUrl()}</code> and{' '}
        <code className="breakable">broker {brokerUrl}</code>; once it is on Wi-Fi, <code>pair</code> prints its pairing link.
      </p>
    </div>
  );
}

interface BrokerWarning {
  text: string;
  goOnAnyway: boolean;
  setGoOnAnyway: (goOn: boolean) => void;
}

function StartStep({
  problem,
  brokerWarning,
  onConnect,
  onClose,
}: {
  problem: string | null;
  brokerWarning: BrokerWarning | null;
  onConnect: () => void;
  onClose: () => void;
}) {
  const warningId = useId();
  const held = brokerWarning !== null && !brokerWarning.goOnAnyway;
  return (
    <div className="form">
      <ol className="steps">
        <li>Plug the thermostat into this computer with a USB data cable.</li>
        <li>Press Connect and choose its port in the list the browser shows (often named USB serial, CH340 or CP210x).</li>
      </ol>
      <p className="muted small">
        Not flashed yet? <a href={INSTALL_PAGE}>Install the firmware</a> from this site first, over the same cable.
      </p>
      {brokerWarning === null ? null : (
        <div className="banner banner-warn">
          <p id={warningId}>{brokerWarning.text}</p>
          <label>
            <input
              type="checkbox"
              checked={brokerWarning.goOnAnyway}
              onChange={(event) => brokerWarning.setGoOnAnyway(event.target.checked)}
              aria-describedby={warningId}
            />{' '}
            Continue anyway: the thermostat runs on this computer (a simulator)
          </label>
        </div>
      )}
      {problem === null ? null : (
        <p role="alert" className="banner banner-danger" tabIndex={-1} data-step-focus>
          {problem}
        </p>
      )}
      <div className="actions">
        <button type="button" className="button button-quiet" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="button button-primary"
          onClick={onConnect}
          disabled={held}
          {...(problem === null ? { 'data-step-focus': true } : {})}
          aria-describedby={brokerWarning === null ? undefined : warningId}
        >
          Connect
        </button>
      </div>
    </div>
  );
}

function Progress({ setup }: { setup: Extract<SetupState, { step: 'choosing-port' | 'configuring' | 'detecting' }> }) {
  const words = {
    'choosing-port': 'Choose the thermostat’s port in the list the browser shows.',
    configuring: 'Telling the thermostat this app’s address…',
    detecting: 'Asking the thermostat about itself…',
  }[setup.step];
  return (
    <p role="status" className="muted" tabIndex={-1} data-step-focus>
      {words}
    </p>
  );
}

function DeviceSummary({ device }: { device: DeviceInfo }) {
  return (
    <section aria-label="Thermostat found">
      <dl className="device-summary">
        <dt>Firmware</dt>
        <dd>{`${device.firmware} ${device.version}`.trim()}</dd>
        {device.chip === '' ? null : (
          <>
            <dt>Chip</dt>
            <dd>{device.chip}</dd>
          </>
        )}
        {device.name === '' ? null : (
          <>
            <dt>Name</dt>
            <dd>{device.name}</dd>
          </>
        )}
      </dl>
    </section>
  );
}

type NetworkSetupState = Extract<SetupState, { step: 'scanning' | 'choosing-network' | 'joining' | 'logging-on' }>;

/** What the list of networks says, for everyone: it is announced as it changes. */
function networkListWords(setup: NetworkSetupState): string {
  if (setup.step === 'scanning') return 'Looking for Wi-Fi networks…';
  if (setup.networks === null) return 'The thermostat could not list the networks it sees. Type the network name.';
  if (setup.networks.length === 0) return 'The thermostat sees no network. Look again, or type the name of a hidden one.';
  return setup.networks.length === 1 ? 'The thermostat sees 1 network.' : `The thermostat sees ${setup.networks.length} networks.`;
}

/** The radio value that stands for "a network the scan does not show". */
const HIDDEN = '\u0000hidden';

interface NetworkActions {
  join: (ssid: string, password: string, name: string) => void;
  addAsItIs: (name: string) => void;
  scan: () => void;
}

function NetworkStep({ setup, actions }: { setup: NetworkSetupState; actions: NetworkActions }) {
  const networks = setup.step === 'scanning' ? null : setup.networks;
  const busy = setup.step === 'joining' || setup.step === 'logging-on';
  const scanning = setup.step === 'scanning';
  const [choice, setChoice] = useState<string | null>(null);
  const [hiddenName, setHiddenName] = useState('');
  const [password, setPassword] = useState('');
  // Empty: a thermostat the app already holds keeps its name, a new one is called DEFAULT_THERMOSTAT_NAME.
  const [name, setName] = useState('');
  const [formProblem, setFormProblem] = useState<WifiSettingsProblem | null>(null);
  const hintPrefix = useId();
  const problemId = useId();
  const nameHintId = useId();

  const scanFailed = setup.step === 'choosing-network' && networks === null;
  const typing = scanFailed || choice === HIDDEN;
  const chosen: WifiNetwork | undefined = networks?.find((network) => network.ssid === choice);
  // A typed name is sent as typed: spaces belong to a network's name like any other character.
  const ssid = typing ? hiddenName : (chosen?.ssid ?? '');
  const joinProblem = setup.step === 'choosing-network' ? setup.problem : null;
  const problem: WifiSettingsProblem | null = formProblem ?? (joinProblem === null ? null : { field: 'password', message: joinProblem });
  const invalid = (field: WifiSettingsProblem['field']) =>
    problem?.field === field ? { 'aria-invalid': true, 'aria-describedby': problemId } : {};
  // What the step asks first: the password after a failed join, else the first network, else the name to type.
  const focusFirst = joinProblem !== null ? 'password' : networks !== null && networks.length > 0 ? 'network' : typing ? 'name' : 'status';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const refused = wifiSettingsProblem(ssid, password, typing ? null : (chosen?.secured ?? false));
    setFormProblem(refused);
    if (refused === null) actions.join(ssid, password, name);
  };

  return (
    <form className="form" onSubmit={submit} noValidate>
      <DeviceSummary device={setup.device} />
      {setup.step === 'choosing-network' && setup.alreadyOnline ? (
        <div className="banner banner-warn">
          <p>This thermostat is already on a Wi-Fi network. Choose a network to move it, or add it as it is.</p>
          <button type="button" className="button" onClick={() => actions.addAsItIs(name)}>
            Add it as it is
          </button>
        </div>
      ) : null}
      <fieldset className="fieldset" disabled={busy}>
        <legend>Wi-Fi network</legend>
        <p role="status" className="muted small" tabIndex={-1} {...(focusFirst === 'status' ? { 'data-step-focus': true } : {})}>
          {networkListWords(setup)}
        </p>
        {networks === null ? null : (
          <div role="radiogroup" aria-label="Networks the thermostat sees" className="network-list" {...invalid('network')}>
            {networks.map((network, index) => (
              <div key={network.ssid} className="network">
                <label>
                  <input
                    type="radio"
                    name="network"
                    value={network.ssid}
                    checked={choice === network.ssid}
                    onChange={() => setChoice(network.ssid)}
                    aria-describedby={`${hintPrefix}-${index}`}
                    {...(focusFirst === 'network' && index === 0 ? { 'data-step-focus': true } : {})}
                  />{' '}
                  {displayText(network.ssid)}
                </label>
                <small id={`${hintPrefix}-${index}`} className="muted">
                  {signalWords(network.rssi)}, {network.secured ? 'password' : 'open'}
                </small>
              </div>
            ))}
            <div className="network">
              <label>
                <input type="radio" name="network" value={HIDDEN} checked={choice === HIDDEN} onChange={() => setChoice(HIDDEN)} /> Another network
                (hidden)
              </label>
            </div>
          </div>
        )}
        {typing ? (
          <label className="field">
            <span>Network name</span>
            <input
              type="text"
              autoComplete="off"
              spellCheck={false}
              value={hiddenName}
              onChange={(event) => setHiddenName(event.target.value)}
              {...invalid('network')}
              {...(focusFirst === 'name' ? { 'data-step-focus': true } : {})}
            />
          </label>
        ) : null}
        <label className="field">
          <span>Wi-Fi password</span>
          <input
            type="password"
            autoComplete="off"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            {...invalid('password')}
            {...(focusFirst === 'password' ? { 'data-step-focus': true } : {})}
          />
        </label>
        <label className="field">
          <span>Thermostat name</span>
          <input
            type="text"
            maxLength={MAX_NAME_LENGTH}
            value={name}
            placeholder={DEFAULT_THERMOSTAT_NAME}
            aria-describedby={nameHintId}
            onChange={(event) => setName(event.target.value)}
          />
        </label>
        <small id={nameHintId} className="muted">
          Left empty, a thermostat this app already has keeps its name; a new one is called {DEFAULT_THERMOSTAT_NAME}.
        </small>
        <button type="button" className="link-button" onClick={actions.scan} disabled={scanning}>
          Look for networks again
        </button>
      </fieldset>
      {busy ? (
        <p role="status" tabIndex={-1} data-step-focus>
          {setup.step === 'joining'
            ? `Joining ${displayText(setup.ssid)}… This can take half a minute.`
            : `On ${displayText(setup.ssid)}. Waiting for the thermostat to reach the server…`}
        </p>
      ) : null}
      {problem === null ? null : (
        <p role="alert" id={problemId} className="banner banner-danger">
          {problem.message}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={busy || scanning}>
          Connect
        </button>
      </div>
    </form>
  );
}

function PairedStep({ name, alreadyMember, onClose }: { name: string; alreadyMember: boolean; onClose: () => void }) {
  return (
    <div className="form">
      <p role="status">{name} is set up and paired with this app.</p>
      {alreadyMember ? <p>{memberAlreadyWords(name)}</p> : null}
      <p className="muted small">
        You can unplug the USB cable: the thermostat keeps its Wi-Fi and server. To let the rest of the household in, press “Invite someone” in the Household card: each person gets an invitation of their own.
      </p>
      <div className="actions">
        <button type="button" className="button button-primary" onClick={onClose} data-step-focus>
          Done
        </button>
      </div>
    </div>
  );
}

/** The choice "Add thermostat" gives too: a link with another key than the app holds replaces it only if the person says so. */
function AlreadyPairedStep({ name, onReplace, onClose }: { name: string; onReplace: () => void; onClose: () => void }) {
  return (
    <div className="form">
      <p tabIndex={-1} data-step-focus>
        {ALREADY_IN_APP} <span className="muted small">({name})</span>
      </p>
      <div className="actions">
        <button type="button" className="button button-quiet" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="button button-primary" onClick={onReplace}>
          Add
        </button>
      </div>
    </div>
  );
}
