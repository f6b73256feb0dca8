/** Setup for the app project's tests (jsdom): a fresh DOM, store and storage for every test. */
import 'fake-indexeddb/auto';
import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach, beforeEach } from 'vitest';
import { appStore } from '@/stores/app-store';
import { forgetGeolocation } from './geolocation';

// Lazy chunks (dialogs, cards, the controls) are transformed on first import: on a loaded 2-core machine that can
// take longer than findBy's default second. A bound, not a wait: findBy returns as soon as the element is there.
configure({ asyncUtilTimeout: 5000 });

beforeEach(() => {
  localStorage.clear();
  appStore.setState(appStore.getInitialState(), true);
});

afterEach(() => {
  cleanup();
  forgetGeolocation();
});
