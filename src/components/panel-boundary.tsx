import { Component, type ReactNode } from 'react';

interface Props {
  /** Names the panel in the message, e.g. "The history chart". */
  what: string;
  children: ReactNode;
}

/**
 * Keeps a fault in one optional panel from blanking the whole screen: the thermostat's own
 * controls stay usable, and the person is told which part failed.
 */
export class PanelBoundary extends Component<Props, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidCatch(error: unknown): void {
    console.error(`${this.props.what} failed`, error);
  }

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return (
      <section className="card" role="alert">
        <p>{this.props.what} could not be shown. The thermostat keeps working; reload the app to try again.</p>
        <button type="button" className="button button-quiet" onClick={() => this.setState({ failed: false })}>
          Try again
        </button>
      </section>
    );
  }
}
