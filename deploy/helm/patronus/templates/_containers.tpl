{{/* The main container of each process past its image and the shared parts; the command is the image's CMD. */}}

{{- define "patronus.portalContainer" -}}
env:
  - { name: PORT, value: "3000" }
  - { name: METRICS_PORT_PORTAL, value: "9461" }
  # Chromium (PDF reports) writes its profile under HOME: the root filesystem is read-only.
  - { name: HOME, value: /tmp }
  {{- with include "patronus.secretEnv" (dict "root" . "omit" (list "DATABASE_URL")) | trim }}{{ . | nindent 2 }}{{ end }}
  {{- with include "patronus.extraEnv" .Values.portal.env | trim }}{{ . | nindent 2 }}{{ end }}
ports:
  - { name: http, containerPort: 3000, protocol: TCP }
  - { name: metrics, containerPort: 9461, protocol: TCP }
# GET /api/fleet/time: a route of the app that needs neither the database nor Redis, so a
# database outage does not restart every portal; no deeper readiness endpoint exists.
startupProbe:
  httpGet: { path: /api/fleet/time, port: http }
  periodSeconds: 5
  timeoutSeconds: 5
  failureThreshold: 36
readinessProbe:
  httpGet: { path: /api/fleet/time, port: http }
  periodSeconds: 10
  timeoutSeconds: 5
livenessProbe:
  httpGet: { path: /api/fleet/time, port: http }
  periodSeconds: 20
  timeoutSeconds: 5
  failureThreshold: 3
{{- end -}}


{{/* A worker process: (dict "root" $ "ingest" true|false "values" .Values.worker). */}}
{{- define "patronus.workerContainer" -}}
env:
  - { name: METRICS_PORT_WORKER, value: "9464" }
  - { name: FLEET_INGEST, value: {{ ternary "true" "false" .ingest | quote }} }
  {{- with include "patronus.secretEnv" (dict "root" .root "omit" (list "DATABASE_URL")) | trim }}{{ . | nindent 2 }}{{ end }}
  {{- with include "patronus.extraEnv" .values.env | trim }}{{ . | nindent 2 }}{{ end }}
ports:
  - { name: metrics, containerPort: 9464, protocol: TCP }
{{ include "patronus.workerProbes" . }}
{{- end -}}

{{- define "patronus.fleetContainer" -}}
env:
  - { name: METRICS_PORT_FLEET, value: "9465" }
  {{- with include "patronus.secretEnv" (dict "root" . "omit" (list "DATABASE_URL")) | trim }}{{ . | nindent 2 }}{{ end }}
  {{- with include "patronus.extraEnv" .Values.fleet.env | trim }}{{ . | nindent 2 }}{{ end }}
ports:
  - { name: mqtts, containerPort: {{ .Values.fleet.service.port }}, protocol: TCP }
  - { name: metrics, containerPort: 9465, protocol: TCP }
# Ready when the broker accepts connections. Each TCP probe counts as one refused TLS
# handshake (patronus_fleet_broker_rejections_total{reason="tls"}), as a load balancer's
# health check does: 0.1/s, below the 0.5/s of the alert.
startupProbe:
  tcpSocket: { port: mqtts }
  periodSeconds: 2
  failureThreshold: 60
readinessProbe:
  tcpSocket: { port: mqtts }
  periodSeconds: 10
  timeoutSeconds: 5
# Alive while its /metrics answers (the process's event loop runs).
livenessProbe:
  exec: { command: ["node", "deploy/docker/probe.mjs", "http://127.0.0.1:9465/metrics"] }
  periodSeconds: 30
  timeoutSeconds: 5
  failureThreshold: 3
{{- end -}}
