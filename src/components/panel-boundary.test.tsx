import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PanelBoundary } from './panel-boundary';

let shouldThrow = true;
function Flaky() {
  if (shouldThrow) throw new Error('boom');
  return <p>chart</p>;
}

describe('PanelBoundary', () => {
  afterEach(() => vi.restoreAllMocks());

  it('shows what failed instead of blanking the page, next to panels that still work', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    shouldThrow = true;
    render(
      <>
        <p>Target temperature</p>
        <PanelBoundary what="The history chart">
          <Flaky />
        </PanelBoundary>
      </>,
    );
    expect(screen.getByText('Target temperature')).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('The history chart could not be shown');

    shouldThrow = false;
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(screen.getByText('chart')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
