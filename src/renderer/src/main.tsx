import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import './styles.css'
import { pickTransport } from './transport'
import { TransportProvider } from './transport-context'

const root = document.getElementById('root')
if (!root) throw new Error('no #root element')
createRoot(root).render(
  <StrictMode>
    <TransportProvider transport={pickTransport()}>
      <App />
    </TransportProvider>
  </StrictMode>
)
