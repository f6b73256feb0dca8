import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { appStore } from '@/stores/app-store';
import { ConnectionStatusBar } from './connection-status';

describe('connection status on an insecure page', () => {
  it('tells the person to open the https:// address, with no retry that could not help', () => {
    appStore.getState().setOnline(true);
    appStore.getState().setConnectionStatus('insecure-page');
    render(<ConnectionStatusBar />);
    expect(screen.getByRole('status', { name: 'Connection' })).toHaveTextContent(/Cannot log on from this page.*https:\/\//);
    expect(screen.queryByRole('button', { name: 'Retry now' })).not.toBeInTheDocument();
  });
});
