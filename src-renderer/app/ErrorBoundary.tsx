import { Component, type ErrorInfo, type ReactNode } from 'react';

type Props = {
  /** What to show instead of the children once they threw; `retry` renders them again. */
  fallback: (retry: () => void) => ReactNode;
  /** A change of this value renders the children again (e.g. another channel opened). */
  resetKey?: unknown;
  children: ReactNode;
};

type State = { failed: boolean; resetKey: unknown };

/**
 * Keeps a render error to the part of the page that threw it: without a boundary React unmounts the
 * whole root, and one bad message would blank every member's app (issue 11). The error is logged for
 * whoever looks at the console; the user sees the fallback in that part's place alone.
 */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { failed: false, resetKey: this.props.resetKey };

  static getDerivedStateFromError(): Partial<State> {
    return { failed: true };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    return Object.is(props.resetKey, state.resetKey) ? null : { failed: false, resetKey: props.resetKey };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error('Relay: a part of the page could not be shown', error, info.componentStack);
  }

  private readonly retry = () => this.setState({ failed: false });

  override render(): ReactNode {
    return this.state.failed ? this.props.fallback(this.retry) : this.props.children;
  }
}

/** The fallback for a whole panel: says so, and offers to draw it again. */
export function PanelUnavailable({ name, retry }: { name: string; retry: () => void }) {
  return (
    <div className="panel-unavailable" role="alert">
      <p>The {name} could not be shown.</p>
      <button type="button" className="link-button" onClick={retry}>
        Try again
      </button>
    </div>
  );
}
