// The DOM matchers (toHaveTextContent, toBeChecked ...) that src/testing/setup.ts installs, for the type checker.
import '@testing-library/jest-dom/vitest';
