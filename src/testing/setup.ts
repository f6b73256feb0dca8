/** Setup for the app project's tests (jsdom): a fresh DOM, store and storage for every test. */
import 'fake-indexeddb/auto';
import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach, beforeEach } from 'vitest';
import { appStore } from '@/stores/app-store';
import { forgetGeolocation } from './geolocation';

beforeEach(() => {
  localStorage.clear();
  appStore.setState(appStore.getInitialState(), true);
});

afterEach(() => {
  cleanup();
  forgetGeolocation();
});
