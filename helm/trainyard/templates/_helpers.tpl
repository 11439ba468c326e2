{{/* Chart name, truncated to the 63 characters Kubernetes names allow. */}}
{{- define "trainyard.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: release-chart, unless the release name already contains the chart name. */}}
{{- define "trainyard.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "trainyard.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Standard labels. */}}
{{- define "trainyard.labels" -}}
helm.sh/chart: {{ include "trainyard.chart" . }}
{{ include "trainyard.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "trainyard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "trainyard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "trainyard.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "trainyard.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret with the database password: the user's, or the one this chart creates. */}}
{{- define "trainyard.databaseSecret" -}}
{{- if .Values.postgresql.existingSecret }}
{{- .Values.postgresql.existingSecret }}
{{- else }}
{{- printf "%s-database" (include "trainyard.fullname" .) }}
{{- end }}
{{- end }}

{{/* The Secret with the API tokens: the user's, or the one this chart creates. */}}
{{- define "trainyard.tokensSecret" -}}
{{- if .Values.auth.existingSecret }}
{{- .Values.auth.existingSecret }}
{{- else }}
{{- printf "%s-tokens" (include "trainyard.fullname" .) }}
{{- end }}
{{- end }}

{{- define "trainyard.claimName" -}}
{{- default (printf "%s-storage" (include "trainyard.fullname" .)) .Values.storage.existingClaim }}
{{- end }}

{{/* Without postgresql.url a single replica keeps its jobs in H2 on the storage volume. */}}
{{- define "trainyard.validate" -}}
{{- if and (not .Values.postgresql.url) (gt (int .Values.replicaCount) 1) }}
{{- fail "replicaCount > 1 needs postgresql.url: replicas share one PostgreSQL database" }}
{{- end }}
{{- if and .Values.postgresql.url (not .Values.postgresql.existingSecret) (not .Values.postgresql.password) }}
{{- fail "with postgresql.url, set postgresql.existingSecret (preferred) or postgresql.password" }}
{{- end }}
{{- end }}

{{/* Whether the pods get API tokens from a Secret (else each writes a random admin token to its storage). */}}
{{- define "trainyard.hasTokens" -}}
{{- if or .Values.auth.existingSecret .Values.auth.tokens }}true{{ end }}
{{- end }}

{{- define "trainyard.webhooksSecret" -}}
{{- if .Values.webhooks.existingSecret }}
{{- .Values.webhooks.existingSecret }}
{{- else }}
{{- printf "%s-webhooks" (include "trainyard.fullname" .) }}
{{- end }}
{{- end }}

{{- define "trainyard.hasWebhookSecrets" -}}
{{- if or .Values.webhooks.existingSecret .Values.webhooks.secrets }}true{{ end }}
{{- end }}
