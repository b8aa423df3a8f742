{{/* Names and labels. */}}
{{- define "patronus.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "patronus.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector of one component's pods: (dict "root" $ "component" "portal"). */}}
{{- define "patronus.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* The pods' ServiceAccount: the chart's own, or one you name (else the namespace's default). */}}
{{- define "patronus.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "patronus.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* An image: (dict "root" $ "repository" "patronus-portal"). */}}
{{- define "patronus.image" -}}
{{- $tag := default .root.Chart.AppVersion .root.Values.image.tag -}}
{{- if .root.Values.image.registry -}}
{{- printf "%s/%s:%s" (trimSuffix "/" .root.Values.image.registry) .repository $tag -}}
{{- else -}}
{{- printf "%s:%s" .repository $tag -}}
{{- end -}}
{{- end -}}

{{/* The in-cluster broker URL the control plane (portal, workers) connects to. */}}
{{- define "patronus.controlMqttUrl" -}}
{{- printf "mqtts://%s-fleet:%d" (include "patronus.fullname" .) (int .Values.fleet.service.port) -}}
{{- end -}}

{{/*
Secret variables as env entries, each a secretKeyRef (never a value): every entry of
secrets.env with a key, except those in `omit`, or only those in `only`.
(dict "root" $ "omit" (list "DATABASE_URL")), (dict "root" $ "only" (list "DATABASE_URL"))
*/}}
{{- define "patronus.secretEnv" -}}
{{- $root := .root -}}
{{- range $name, $ref := $root.Values.secrets.env }}
{{- if and $ref.key (not (has $name (default list $.omit))) (or (not $.only) (has $name $.only)) }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
      name: {{ default $root.Values.secrets.existingSecret $ref.secret }}
      key: {{ $ref.key }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Plain env of a component (its `env` map), sorted by name. */}}
{{- define "patronus.extraEnv" -}}
{{- range $name, $value := . }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- end -}}

{{/*
A component's pod template: (dict "root" $ "component" "worker" "values" .Values.worker
"image" "patronus-worker" "container" <YAML of env/ports/probes/command>).
Every pod: non-root, read-only root filesystem, /tmp in memory, and FLEET_PKI_DIR seeded
from the platform CA Secret by an init container (each pod issues its own leaves from it).
*/}}
{{- define "patronus.podTemplate" -}}
{{- $root := .root -}}
{{- $values := .values -}}
metadata:
  labels:
    {{- include "patronus.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ .component }}
  annotations:
    checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
    {{- with $root.Values.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "patronus.serviceAccountName" $root }}
  automountServiceAccountToken: false
  {{- with $root.Values.image.pullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    {{- toYaml $root.Values.podSecurityContext | nindent 4 }}
  {{- with $values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $values.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  topologySpreadConstraints:
    - maxSkew: 1
      topologyKey: kubernetes.io/hostname
      whenUnsatisfiable: ScheduleAnyway
      labelSelector:
        matchLabels:
          {{- include "patronus.selector" (dict "root" $root "component" .component) | nindent 10 }}
  initContainers:
    - name: platform-ca
      image: {{ include "patronus.image" (dict "root" $root "repository" .image) }}
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      command: ["cp", "/platform-ca/ca.pem", "/platform-ca/ca.key.sealed", "/var/lib/patronus/pki/"]
      securityContext:
        {{- toYaml $root.Values.securityContext | nindent 8 }}
      resources:
        requests: { cpu: 10m, memory: 16Mi }
        limits: { memory: 32Mi }
      volumeMounts:
        - { name: platform-ca, mountPath: /platform-ca, readOnly: true }
        - { name: pki, mountPath: /var/lib/patronus/pki }
  containers:
    - name: {{ .component }}
      image: {{ include "patronus.image" (dict "root" $root "repository" .image) }}
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      envFrom:
        - configMapRef:
            name: {{ include "patronus.fullname" $root }}
      {{- .container | nindent 6 }}
      securityContext:
        {{- toYaml $root.Values.securityContext | nindent 8 }}
      resources:
        {{- toYaml $values.resources | nindent 8 }}
      volumeMounts:
        - { name: tmp, mountPath: /tmp }
        - { name: pki, mountPath: /var/lib/patronus/pki }
        {{- if eq .component "portal" }}
        - { name: next-cache, mountPath: /app/.next/cache }
        - { name: shm, mountPath: /dev/shm }
        {{- end }}
  volumes:
    - name: tmp
      emptyDir: { sizeLimit: 512Mi }
    - name: pki
      emptyDir: { medium: Memory, sizeLimit: 1Mi }
    - name: platform-ca
      secret:
        secretName: {{ $root.Values.fleet.platformCa.existingSecret }}
        defaultMode: 0440
        items:
          - { key: ca.pem, path: ca.pem }
          - { key: ca.key.sealed, path: ca.key.sealed }
    {{- if eq .component "portal" }}
    - name: next-cache
      emptyDir: { sizeLimit: 512Mi }
    # Chromium (PDF reports) shares memory through /dev/shm; the runtime's default is 64 MiB.
    - name: shm
      emptyDir: { medium: Memory, sizeLimit: 256Mi }
    {{- end }}
{{- end -}}

{{/*
The probes of a worker process (worker, ingest): its /metrics on loopback, through the
image's probe script (it sends METRICS_TOKEN when one is set).
*/}}
{{- define "patronus.workerProbes" -}}
startupProbe:
  exec: { command: ["node", "deploy/docker/probe.mjs", "http://127.0.0.1:9464/metrics"] }
  periodSeconds: 5
  timeoutSeconds: 5
  failureThreshold: 24
readinessProbe:
  exec: { command: ["node", "deploy/docker/probe.mjs", "http://127.0.0.1:9464/metrics"] }
  periodSeconds: 20
  timeoutSeconds: 5
livenessProbe:
  exec: { command: ["node", "deploy/docker/probe.mjs", "http://127.0.0.1:9464/metrics"] }
  periodSeconds: 30
  timeoutSeconds: 5
  failureThreshold: 3
{{- end -}}
