import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { StatusAndAlert } from './status-and-alert';

describe('StatusAndAlert', () => {
  it('keeps an empty status region in place and shows an alert only when there is one', () => {
    const { rerender } = render(<StatusAndAlert status="" alert={null} />);
    expect(screen.getByRole('status')).toHaveTextContent('');
    expect(screen.queryByRole('alert')).toBeNull();
    rerender(<StatusAndAlert status="Opening the file…" alert={null} />);
    expect(screen.getByRole('status')).toHaveTextContent('Opening the file…');
    rerender(<StatusAndAlert status="" alert="Wrong passphrase or damaged file." />);
    expect(screen.getByRole('alert')).toHaveTextContent('Wrong passphrase or damaged file.');
  });
});
