import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { StorageProvider, useStorageActions } from './storage/StorageContext.tsx';
import { SyncProvider } from './sync/SyncContext.tsx';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

/** A profile switch starts a fresh workspace: nothing of the previous profile stays on screen. */
function ProfileWorkspace() {
  const { profileEpoch } = useStorageActions();
  return (
    <SyncProvider key={profileEpoch}>
      <App />
    </SyncProvider>
  );
}

createRoot(root).render(
  <StrictMode>
    <StorageProvider>
      <ProfileWorkspace />
    </StorageProvider>
  </StrictMode>,
);
