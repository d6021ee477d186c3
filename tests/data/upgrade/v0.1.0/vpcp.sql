--
-- PostgreSQL database dump
--


-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: lt_upgrade; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA lt_upgrade;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: agencies; Type: TABLE; Schema: lt_upgrade; Owner: -
--

CREATE TABLE lt_upgrade.agencies (
    id integer NOT NULL,
    code character varying(32) NOT NULL,
    class_letter character varying(1) NOT NULL,
    level integer NOT NULL,
    parent character varying(32),
    name text,
    contact text,
    valid_from date,
    valid_to date,
    successor character varying(32),
    note text,
    version integer NOT NULL
);


--
-- Name: agencies_id_seq; Type: SEQUENCE; Schema: lt_upgrade; Owner: -
--

CREATE SEQUENCE lt_upgrade.agencies_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: agencies_id_seq; Type: SEQUENCE OWNED BY; Schema: lt_upgrade; Owner: -
--

ALTER SEQUENCE lt_upgrade.agencies_id_seq OWNED BY lt_upgrade.agencies.id;


--
-- Name: agency_regulations; Type: TABLE; Schema: lt_upgrade; Owner: -
--

CREATE TABLE lt_upgrade.agency_regulations (
    id integer NOT NULL,
    code character varying(32) NOT NULL,
    issued_on date NOT NULL,
    reference text,
    updated_at timestamp with time zone NOT NULL,
    actor character varying(200) NOT NULL
);


--
-- Name: agency_regulations_id_seq; Type: SEQUENCE; Schema: lt_upgrade; Owner: -
--

CREATE SEQUENCE lt_upgrade.agency_regulations_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: agency_regulations_id_seq; Type: SEQUENCE OWNED BY; Schema: lt_upgrade; Owner: -
--

ALTER SEQUENCE lt_upgrade.agency_regulations_id_seq OWNED BY lt_upgrade.agency_regulations.id;


--
-- Name: alembic_version; Type: TABLE; Schema: lt_upgrade; Owner: -
--

CREATE TABLE lt_upgrade.alembic_version (
    version_num character varying(32) NOT NULL
);


--
-- Name: api_acks; Type: TABLE; Schema: lt_upgrade; Owner: -
--

CREATE TABLE lt_upgrade.api_acks (
    id integer NOT NULL,
    message_id character varying(64) NOT NULL,
    recipient character varying(32) NOT NULL,
    outcome character varying(16) NOT NULL,
    client character varying(200) NOT NULL,
    at timestamp with time zone NOT NULL
);


--
-- Name: api_acks_id_seq; Type: SEQUENCE; Schema: lt_upgrade; Owner: -
--

CREATE SEQUENCE lt_upgrade.api_acks_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: api_acks_id_seq; Type: SEQUENCE OWNED BY; Schema: lt_upgrade; Owner: -
--

ALTER SEQUENCE lt_upgrade.api_acks_id_seq OWNED BY lt_upgrade.api_acks.id;


--
-- Name: api_clients; Type: TABLE; Schema: lt_upgrade; Owner: -
--

CREATE TABLE lt_upgrade.api_clients (
    id integer NOT NULL,
    name character varying(200) NOT NULL,
    kind character varying(16) NOT NULL,
    token_sha256 character varying(64),
    systemid character varying(200),
    secret text,
    codes text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    vxp_timezone character varying(64)
);


--
-- Name: api_clients_id_seq; Type: SEQUENCE; Schema: lt_upgrade; Owner: -
--

CREATE SEQUENCE lt_upgrade.api_clients_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: api_clients_id_seq; Type: SEQUENCE OWNED BY; Schema: lt_upgrade; Owner: -
--

ALTER SEQUENCE lt_upgrade.api_clients_id_seq OWNED BY lt_upgrade.api_clients.id;


--
-- Name: api_vxp_replays; Type: TABLE; Schema: lt_upgrade; Owner: -
--

CREATE TABLE lt_upgrade.api_vxp_replays (
    id integer NOT NULL,
    systemid character varying(200) NOT NULL,
    mac character varying(64) NOT NULL,
    expires_at timestamp with time zone NOT NULL
);


--
-- Name: api_vxp_replays_id_seq; Type: SEQUENCE; Schema: lt_upgrade; Owner: -
--

CREATE SEQUENCE lt_upgrade.api_vxp_replays_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: api_vxp_replays_id_seq; Type: SEQUENCE OWNED BY; Schema: lt_upgrade; Owner: -
--

ALTER SEQUENCE lt_upgrade.api_vxp_replays_id_seq OWNED BY lt_upgrade.api_vxp_replays.id;


--
-- Name: api_webhooks; Type: TABLE; Schema: lt_upgrade; Owner: -
--

CREATE TABLE lt_upgrade.api_webhooks (
    id integer NOT NULL,
    client character varying(200) NOT NULL,
    url text NOT NULL,
    secret text NOT NULL,
    cursor integer NOT NULL,
    attempts integer NOT NULL,
    next_attempt_at timestamp with time zone NOT NULL,
    last_error text,
    lease_until timestamp with time zone,
    claim_token character varying(64),
    created_at timestamp with time zone NOT NULL
);


--
-- Name: api_webhooks_id_seq; Type: SEQUENCE; Schema: lt_upgrade; Owner: -
--

CREATE SEQUENCE lt_upgrade.api_webhooks_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: api_webhooks_id_seq; Type: SEQUENCE OWNED BY; Schema: lt_upgrade; Owner: -
--

ALTER SEQUENCE lt_upgrade.api_webhooks_id_seq OWNED BY lt_upgrade.api_webhooks.id;


--
-- Name: arrival_register; Type: TABLE; Schema: lt_upgrade; Owner: -
--

CREATE TABLE lt_upgrade.arrival_register (
    id integer NOT NULL,
    agency character varying(32) NOT NULL,
    year integer NOT NULL,
    number integer NOT NULL,
    arrived_on date NOT NULL,
    message_id character varying(64) NOT NULL,
    actor character varying(200) NOT NULL,
    recorded_at timestamp with time zone NOT NULL
);


--
-- Name: arrival_register_id_seq; Type: SEQUENCE; Schema: lt_upgrade; Owner: -
--

CREATE SEQUENCE lt_upgrade.arrival_register_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: arrival_register_id_seq; Type: SEQUENCE OWNED BY; Schema: lt_upgrade; Owner: -
--

ALTER SEQUENCE lt_upgrade.arrival_register_id_seq OWNED BY lt_upgrade.arrival_register.id;


--
-- Name: audit_log; Type: TABLE; Schema: lt_upgrade; Owner: -
--

CREATE TABLE lt_upgrade.audit_log (
    id integer NOT NULL,
    version integer NOT NULL,
    at timestamp with time zone NOT NULL,
    actor character varying(200) NOT NULL,
    action character varying(50) NOT NULL,
    subject text NOT NULL,
    detail text
);


--
-- Name: audit_log_id_seq; Type: SEQUENCE; Schema: lt_upgrade; Owner: -
--

CREATE SEQUENCE lt_upgrade.audit_log_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: audit_log_id_seq; Type: SEQUENCE OWNED BY; Schema: lt_upgrade; Owner: -
--

ALTER SEQUENCE lt_upgrade.audit_log_id_seq OWNED BY lt_upgrade.audit_log.id;


--
-- Name: certificate_bindings; Type: TABLE; Schema: lt_upgrade; Owner: -
--

CREATE TABLE lt_upgrade.certificate_bindings (
    id integer NOT NULL,
    fingerprint character varying(64) NOT NULL,
    code character varying(32) NOT NULL,
    subtree boolean NOT NULL,
    certificate_pem text NOT NULL,
    version integer NOT NULL
);


--
-- Name: certificate_bindings_id_seq; Type: SEQUENCE; Schema: lt_upgrade; Owner: -
--

CREATE SEQUENCE lt_upgrade.certificate_bindings_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: certificate_bindings_id_seq; Type: SEQUENCE OWNED BY; Schema: lt_upgrade; Owner: -
--

ALTER SEQUENCE lt_upgrade.certificate_bindings_id_seq OWNED BY lt_upgrade.certificate_bindings.id;


--
-- Name: console_lockouts; Type: TABLE; Schema: lt_upgrade; Owner: -
--

CREATE TABLE lt_upgrade.console_lockouts (
    id integer NOT NULL,
    kind character varying(20) NOT NULL,
    subject character varying(200) NOT NULL,
    starts_at timestamp with time zone NOT NULL,
    ends_at timestamp with time zone NOT NULL,
    user_name character varying(200) NOT NULL,
    address character varying(64) NOT NULL
);


--
-- Name: console_lockouts_id_seq; Type: SEQUENCE; Schema: lt_upgrade; Owner: -
--

CREATE SEQUENCE lt_upgrade.console_lockouts_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: console_lockouts_id_seq; Type: SEQUENCE OWNED BY; Schema: lt_upgrade; Owner: -
--

ALTER SEQUENCE lt_upgrade.console_lockouts_id_seq OWNED BY lt_upgrade.console_lockouts.id;


--
-- Name: console_login_attempts; Type: TABLE; Schema: lt_upgrade; Owner: -
--

CREATE TABLE lt_upgrade.console_login_attempts (
    id integer NOT NULL,
    at timestamp with time zone NOT NULL,
    user_name character varying(200) NOT NULL,
    address character varying(64) NOT NULL,
    outcome character varying(20) NOT NULL
);


--
-- Name: console_login_attempts_id_seq; Type: SEQUENCE; Schema: lt_upgrade; Owner: -
--

CREATE SEQUENCE lt_upgrade.console_login_attempts_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: console_login_attempts_id_seq; Type: SEQUENCE OWNED BY; Schema: lt_upgrade; Owner: -
--

ALTER SEQUENCE lt_upgrade.console_login_attempts_id_seq OWNED BY lt_upgrade.console_login_attempts.id;


--
-- Name: directory_state; Type: TABLE; Schema: lt_upgrade; Owner: -
--

CREATE TABLE lt_upgrade.directory_state (
    id integer NOT NULL,
    version integer NOT NULL
);


--
-- Name: directory_state_id_seq; Type: SEQUENCE; Schema: lt_upgrade; Owner: -
--

CREATE SEQUENCE lt_upgrade.directory_state_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: directory_state_id_seq; Type: SEQUENCE OWNED BY; Schema: lt_upgrade; Owner: -
--

ALTER SEQUENCE lt_upgrade.directory_state_id_seq OWNED BY lt_upgrade.directory_state.id;


--
-- Name: node_audit; Type: TABLE; Schema: lt_upgrade; Owner: -
--

CREATE TABLE lt_upgrade.node_audit (
    id integer NOT NULL,
    at timestamp with time zone NOT NULL,
    actor character varying(200) NOT NULL,
    action character varying(80) NOT NULL,
    target character varying(300) NOT NULL,
    address character varying(64) NOT NULL,
    params text NOT NULL
);


--
-- Name: node_audit_id_seq; Type: SEQUENCE; Schema: lt_upgrade; Owner: -
--

CREATE SEQUENCE lt_upgrade.node_audit_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: node_audit_id_seq; Type: SEQUENCE OWNED BY; Schema: lt_upgrade; Owner: -
--

ALTER SEQUENCE lt_upgrade.node_audit_id_seq OWNED BY lt_upgrade.node_audit.id;


--
-- Name: node_document_index; Type: TABLE; Schema: lt_upgrade; Owner: -
--

CREATE TABLE lt_upgrade.node_document_index (
    id integer NOT NULL,
    direction character varying(16) NOT NULL,
    message_id character varying(64) NOT NULL,
    document_id text NOT NULL,
    sender character varying(32) NOT NULL,
    recipient character varying(32) NOT NULL,
    package_sha256 character varying(64) NOT NULL,
    number text NOT NULL,
    notation text NOT NULL,
    subject text NOT NULL,
    search text NOT NULL,
    subject_key text NOT NULL,
    urgency integer,
    document_type text,
    promulgated_on date,
    at timestamp with time zone NOT NULL,
    size integer NOT NULL,
    attachments integer NOT NULL,
    pdf character varying(16)
);


--
-- Name: node_document_index_id_seq; Type: SEQUENCE; Schema: lt_upgrade; Owner: -
--

CREATE SEQUENCE lt_upgrade.node_document_index_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: node_document_index_id_seq; Type: SEQUENCE OWNED BY; Schema: lt_upgrade; Owner: -
--

ALTER SEQUENCE lt_upgrade.node_document_index_id_seq OWNED BY lt_upgrade.node_document_index.id;


--
-- Name: node_document_links; Type: TABLE; Schema: lt_upgrade; Owner: -
--

CREATE TABLE lt_upgrade.node_document_links (
    id integer NOT NULL,
    recipient character varying(32) NOT NULL,
    earlier_document_id text NOT NULL,
    later_document_id text NOT NULL,
    business_type integer NOT NULL,
    applied boolean NOT NULL,
    at timestamp with time zone NOT NULL,
    sender character varying(32) NOT NULL
);


--
-- Name: node_document_links_id_seq; Type: SEQUENCE; Schema: lt_upgrade; Owner: -
--

CREATE SEQUENCE lt_upgrade.node_document_links_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: node_document_links_id_seq; Type: SEQUENCE OWNED BY; Schema: lt_upgrade; Owner: -
--

ALTER SEQUENCE lt_upgrade.node_document_links_id_seq OWNED BY lt_upgrade.node_document_links.id;


--
-- Name: node_inbox; Type: TABLE; Schema: lt_upgrade; Owner: -
--

CREATE TABLE lt_upgrade.node_inbox (
    id integer NOT NULL,
    message_id character varying(64) NOT NULL,
    document_id text NOT NULL,
    kind character varying(16) NOT NULL,
    package_sha256 character varying(64) NOT NULL,
    sender character varying(32) NOT NULL,
    recipient character varying(32) NOT NULL,
    received_at timestamp with time zone NOT NULL,
    disposition character varying(16) NOT NULL,
    superseded_by text
);


--
-- Name: node_inbox_id_seq; Type: SEQUENCE; Schema: lt_upgrade; Owner: -
--

CREATE SEQUENCE lt_upgrade.node_inbox_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: node_inbox_id_seq; Type: SEQUENCE OWNED BY; Schema: lt_upgrade; Owner: -
--

ALTER SEQUENCE lt_upgrade.node_inbox_id_seq OWNED BY lt_upgrade.node_inbox.id;


--
-- Name: node_log; Type: TABLE; Schema: lt_upgrade; Owner: -
--

CREATE TABLE lt_upgrade.node_log (
    seq integer NOT NULL,
    at timestamp with time zone NOT NULL,
    kind character varying(16) NOT NULL,
    message_id character varying(64) NOT NULL,
    document_id text NOT NULL,
    party character varying(32) NOT NULL,
    sha256 character varying(64) NOT NULL,
    note text NOT NULL,
    prev_hash character varying(64) NOT NULL,
    entry_hash character varying(64) NOT NULL
);


--
-- Name: node_log_head; Type: TABLE; Schema: lt_upgrade; Owner: -
--

CREATE TABLE lt_upgrade.node_log_head (
    id integer NOT NULL,
    seq integer NOT NULL,
    entry_hash character varying(64) NOT NULL
);


--
-- Name: node_log_head_id_seq; Type: SEQUENCE; Schema: lt_upgrade; Owner: -
--

CREATE SEQUENCE lt_upgrade.node_log_head_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: node_log_head_id_seq; Type: SEQUENCE OWNED BY; Schema: lt_upgrade; Owner: -
--

ALTER SEQUENCE lt_upgrade.node_log_head_id_seq OWNED BY lt_upgrade.node_log_head.id;


--
-- Name: node_outbox; Type: TABLE; Schema: lt_upgrade; Owner: -
--

CREATE TABLE lt_upgrade.node_outbox (
    id integer NOT NULL,
    message_id character varying(64) NOT NULL,
    document_id text NOT NULL,
    kind character varying(16) NOT NULL,
    package_sha256 character varying(64) NOT NULL,
    sender character varying(32) NOT NULL,
    recipient character varying(32) NOT NULL,
    deliver_to character varying(32) NOT NULL,
    redirected_from character varying(32),
    state character varying(16) NOT NULL,
    attempts integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    next_attempt_at timestamp with time zone NOT NULL,
    deadline timestamp with time zone NOT NULL,
    lease_until timestamp with time zone,
    claim_token character varying(64),
    last_error text,
    receipt_sha256 character varying(64)
);


--
-- Name: node_outbox_id_seq; Type: SEQUENCE; Schema: lt_upgrade; Owner: -
--

CREATE SEQUENCE lt_upgrade.node_outbox_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: node_outbox_id_seq; Type: SEQUENCE OWNED BY; Schema: lt_upgrade; Owner: -
--

ALTER SEQUENCE lt_upgrade.node_outbox_id_seq OWNED BY lt_upgrade.node_outbox.id;


--
-- Name: node_receipts; Type: TABLE; Schema: lt_upgrade; Owner: -
--

CREATE TABLE lt_upgrade.node_receipts (
    id integer NOT NULL,
    sha256 character varying(64) NOT NULL,
    raw bytea NOT NULL,
    message_id character varying(64) NOT NULL,
    recipient character varying(32) NOT NULL,
    accepted boolean NOT NULL,
    reason text,
    direction character varying(16) NOT NULL,
    at timestamp with time zone NOT NULL
);


--
-- Name: node_receipts_id_seq; Type: SEQUENCE; Schema: lt_upgrade; Owner: -
--

CREATE SEQUENCE lt_upgrade.node_receipts_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: node_receipts_id_seq; Type: SEQUENCE OWNED BY; Schema: lt_upgrade; Owner: -
--

ALTER SEQUENCE lt_upgrade.node_receipts_id_seq OWNED BY lt_upgrade.node_receipts.id;


--
-- Name: node_statuses; Type: TABLE; Schema: lt_upgrade; Owner: -
--

CREATE TABLE lt_upgrade.node_statuses (
    id integer NOT NULL,
    document_id text NOT NULL,
    reporter character varying(32) NOT NULL,
    addressee character varying(32) NOT NULL,
    status_code character varying(4) NOT NULL,
    "timestamp" timestamp with time zone NOT NULL,
    package_sha256 character varying(64) NOT NULL,
    direction character varying(16) NOT NULL,
    recorded_at timestamp with time zone NOT NULL,
    description text,
    sender character varying(32) NOT NULL
);


--
-- Name: node_statuses_id_seq; Type: SEQUENCE; Schema: lt_upgrade; Owner: -
--

CREATE SEQUENCE lt_upgrade.node_statuses_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: node_statuses_id_seq; Type: SEQUENCE OWNED BY; Schema: lt_upgrade; Owner: -
--

ALTER SEQUENCE lt_upgrade.node_statuses_id_seq OWNED BY lt_upgrade.node_statuses.id;


--
-- Name: node_subtrees; Type: TABLE; Schema: lt_upgrade; Owner: -
--

CREATE TABLE lt_upgrade.node_subtrees (
    id integer NOT NULL,
    code character varying(32) NOT NULL,
    node_id integer NOT NULL,
    version integer NOT NULL
);


--
-- Name: node_subtrees_id_seq; Type: SEQUENCE; Schema: lt_upgrade; Owner: -
--

CREATE SEQUENCE lt_upgrade.node_subtrees_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: node_subtrees_id_seq; Type: SEQUENCE OWNED BY; Schema: lt_upgrade; Owner: -
--

ALTER SEQUENCE lt_upgrade.node_subtrees_id_seq OWNED BY lt_upgrade.node_subtrees.id;


--
-- Name: nodes; Type: TABLE; Schema: lt_upgrade; Owner: -
--

CREATE TABLE lt_upgrade.nodes (
    id integer NOT NULL,
    name character varying(200) NOT NULL,
    peer_url text NOT NULL,
    tls_certificate_pem text,
    version integer NOT NULL,
    seal_certificate_pem text,
    next_tls_certificate_pem text
);


--
-- Name: nodes_id_seq; Type: SEQUENCE; Schema: lt_upgrade; Owner: -
--

CREATE SEQUENCE lt_upgrade.nodes_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: nodes_id_seq; Type: SEQUENCE OWNED BY; Schema: lt_upgrade; Owner: -
--

ALTER SEQUENCE lt_upgrade.nodes_id_seq OWNED BY lt_upgrade.nodes.id;


--
-- Name: revocation_lists; Type: TABLE; Schema: lt_upgrade; Owner: -
--

CREATE TABLE lt_upgrade.revocation_lists (
    id integer NOT NULL,
    issuer text NOT NULL,
    fingerprint character varying(64) NOT NULL,
    crl_pem text NOT NULL,
    this_update timestamp with time zone NOT NULL,
    next_update timestamp with time zone,
    version integer NOT NULL
);


--
-- Name: revocation_lists_id_seq; Type: SEQUENCE; Schema: lt_upgrade; Owner: -
--

CREATE SEQUENCE lt_upgrade.revocation_lists_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: revocation_lists_id_seq; Type: SEQUENCE OWNED BY; Schema: lt_upgrade; Owner: -
--

ALTER SEQUENCE lt_upgrade.revocation_lists_id_seq OWNED BY lt_upgrade.revocation_lists.id;


--
-- Name: statistics_reports; Type: TABLE; Schema: lt_upgrade; Owner: -
--

CREATE TABLE lt_upgrade.statistics_reports (
    id integer NOT NULL,
    node character varying(200) NOT NULL,
    agency character varying(32) NOT NULL,
    day date NOT NULL,
    sequence integer NOT NULL,
    report_sha256 character varying(64) NOT NULL,
    generated_at timestamp with time zone NOT NULL,
    received_at timestamp with time zone NOT NULL,
    sent integer NOT NULL,
    received integer NOT NULL,
    signed_pdf integer NOT NULL,
    refusals integer NOT NULL,
    failures integer NOT NULL,
    latency_buckets text NOT NULL,
    latency_p50 double precision,
    statuses text NOT NULL,
    sent_to text NOT NULL,
    stuck text NOT NULL,
    last_activity timestamp with time zone,
    config_version integer,
    certificate_expiry timestamp with time zone,
    signed bytea NOT NULL
);


--
-- Name: statistics_reports_id_seq; Type: SEQUENCE; Schema: lt_upgrade; Owner: -
--

CREATE SEQUENCE lt_upgrade.statistics_reports_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: statistics_reports_id_seq; Type: SEQUENCE OWNED BY; Schema: lt_upgrade; Owner: -
--

ALTER SEQUENCE lt_upgrade.statistics_reports_id_seq OWNED BY lt_upgrade.statistics_reports.id;


--
-- Name: tombstones; Type: TABLE; Schema: lt_upgrade; Owner: -
--

CREATE TABLE lt_upgrade.tombstones (
    id integer NOT NULL,
    kind character varying(20) NOT NULL,
    key text NOT NULL,
    version integer NOT NULL
);


--
-- Name: tombstones_id_seq; Type: SEQUENCE; Schema: lt_upgrade; Owner: -
--

CREATE SEQUENCE lt_upgrade.tombstones_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: tombstones_id_seq; Type: SEQUENCE OWNED BY; Schema: lt_upgrade; Owner: -
--

ALTER SEQUENCE lt_upgrade.tombstones_id_seq OWNED BY lt_upgrade.tombstones.id;


--
-- Name: trust_anchors; Type: TABLE; Schema: lt_upgrade; Owner: -
--

CREATE TABLE lt_upgrade.trust_anchors (
    id integer NOT NULL,
    fingerprint character varying(64) NOT NULL,
    subject text NOT NULL,
    certificate_pem text NOT NULL,
    version integer NOT NULL
);


--
-- Name: trust_anchors_id_seq; Type: SEQUENCE; Schema: lt_upgrade; Owner: -
--

CREATE SEQUENCE lt_upgrade.trust_anchors_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: trust_anchors_id_seq; Type: SEQUENCE OWNED BY; Schema: lt_upgrade; Owner: -
--

ALTER SEQUENCE lt_upgrade.trust_anchors_id_seq OWNED BY lt_upgrade.trust_anchors.id;


--
-- Name: agencies id; Type: DEFAULT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.agencies ALTER COLUMN id SET DEFAULT nextval('lt_upgrade.agencies_id_seq'::regclass);


--
-- Name: agency_regulations id; Type: DEFAULT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.agency_regulations ALTER COLUMN id SET DEFAULT nextval('lt_upgrade.agency_regulations_id_seq'::regclass);


--
-- Name: api_acks id; Type: DEFAULT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.api_acks ALTER COLUMN id SET DEFAULT nextval('lt_upgrade.api_acks_id_seq'::regclass);


--
-- Name: api_clients id; Type: DEFAULT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.api_clients ALTER COLUMN id SET DEFAULT nextval('lt_upgrade.api_clients_id_seq'::regclass);


--
-- Name: api_vxp_replays id; Type: DEFAULT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.api_vxp_replays ALTER COLUMN id SET DEFAULT nextval('lt_upgrade.api_vxp_replays_id_seq'::regclass);


--
-- Name: api_webhooks id; Type: DEFAULT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.api_webhooks ALTER COLUMN id SET DEFAULT nextval('lt_upgrade.api_webhooks_id_seq'::regclass);


--
-- Name: arrival_register id; Type: DEFAULT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.arrival_register ALTER COLUMN id SET DEFAULT nextval('lt_upgrade.arrival_register_id_seq'::regclass);


--
-- Name: audit_log id; Type: DEFAULT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.audit_log ALTER COLUMN id SET DEFAULT nextval('lt_upgrade.audit_log_id_seq'::regclass);


--
-- Name: certificate_bindings id; Type: DEFAULT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.certificate_bindings ALTER COLUMN id SET DEFAULT nextval('lt_upgrade.certificate_bindings_id_seq'::regclass);


--
-- Name: console_lockouts id; Type: DEFAULT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.console_lockouts ALTER COLUMN id SET DEFAULT nextval('lt_upgrade.console_lockouts_id_seq'::regclass);


--
-- Name: console_login_attempts id; Type: DEFAULT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.console_login_attempts ALTER COLUMN id SET DEFAULT nextval('lt_upgrade.console_login_attempts_id_seq'::regclass);


--
-- Name: directory_state id; Type: DEFAULT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.directory_state ALTER COLUMN id SET DEFAULT nextval('lt_upgrade.directory_state_id_seq'::regclass);


--
-- Name: node_audit id; Type: DEFAULT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.node_audit ALTER COLUMN id SET DEFAULT nextval('lt_upgrade.node_audit_id_seq'::regclass);


--
-- Name: node_document_index id; Type: DEFAULT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.node_document_index ALTER COLUMN id SET DEFAULT nextval('lt_upgrade.node_document_index_id_seq'::regclass);


--
-- Name: node_document_links id; Type: DEFAULT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.node_document_links ALTER COLUMN id SET DEFAULT nextval('lt_upgrade.node_document_links_id_seq'::regclass);


--
-- Name: node_inbox id; Type: DEFAULT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.node_inbox ALTER COLUMN id SET DEFAULT nextval('lt_upgrade.node_inbox_id_seq'::regclass);


--
-- Name: node_log_head id; Type: DEFAULT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.node_log_head ALTER COLUMN id SET DEFAULT nextval('lt_upgrade.node_log_head_id_seq'::regclass);


--
-- Name: node_outbox id; Type: DEFAULT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.node_outbox ALTER COLUMN id SET DEFAULT nextval('lt_upgrade.node_outbox_id_seq'::regclass);


--
-- Name: node_receipts id; Type: DEFAULT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.node_receipts ALTER COLUMN id SET DEFAULT nextval('lt_upgrade.node_receipts_id_seq'::regclass);


--
-- Name: node_statuses id; Type: DEFAULT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.node_statuses ALTER COLUMN id SET DEFAULT nextval('lt_upgrade.node_statuses_id_seq'::regclass);


--
-- Name: node_subtrees id; Type: DEFAULT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.node_subtrees ALTER COLUMN id SET DEFAULT nextval('lt_upgrade.node_subtrees_id_seq'::regclass);


--
-- Name: nodes id; Type: DEFAULT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.nodes ALTER COLUMN id SET DEFAULT nextval('lt_upgrade.nodes_id_seq'::regclass);


--
-- Name: revocation_lists id; Type: DEFAULT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.revocation_lists ALTER COLUMN id SET DEFAULT nextval('lt_upgrade.revocation_lists_id_seq'::regclass);


--
-- Name: statistics_reports id; Type: DEFAULT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.statistics_reports ALTER COLUMN id SET DEFAULT nextval('lt_upgrade.statistics_reports_id_seq'::regclass);


--
-- Name: tombstones id; Type: DEFAULT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.tombstones ALTER COLUMN id SET DEFAULT nextval('lt_upgrade.tombstones_id_seq'::regclass);


--
-- Name: trust_anchors id; Type: DEFAULT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.trust_anchors ALTER COLUMN id SET DEFAULT nextval('lt_upgrade.trust_anchors_id_seq'::regclass);


--
-- Data for Name: agencies; Type: TABLE DATA; Schema: lt_upgrade; Owner: -
--



--
-- Data for Name: agency_regulations; Type: TABLE DATA; Schema: lt_upgrade; Owner: -
--



--
-- Data for Name: alembic_version; Type: TABLE DATA; Schema: lt_upgrade; Owner: -
--

INSERT INTO lt_upgrade.alembic_version VALUES ('0014_node_next_tls');


--
-- Data for Name: api_acks; Type: TABLE DATA; Schema: lt_upgrade; Owner: -
--



--
-- Data for Name: api_clients; Type: TABLE DATA; Schema: lt_upgrade; Owner: -
--



--
-- Data for Name: api_vxp_replays; Type: TABLE DATA; Schema: lt_upgrade; Owner: -
--



--
-- Data for Name: api_webhooks; Type: TABLE DATA; Schema: lt_upgrade; Owner: -
--



--
-- Data for Name: arrival_register; Type: TABLE DATA; Schema: lt_upgrade; Owner: -
--



--
-- Data for Name: audit_log; Type: TABLE DATA; Schema: lt_upgrade; Owner: -
--



--
-- Data for Name: certificate_bindings; Type: TABLE DATA; Schema: lt_upgrade; Owner: -
--



--
-- Data for Name: console_lockouts; Type: TABLE DATA; Schema: lt_upgrade; Owner: -
--



--
-- Data for Name: console_login_attempts; Type: TABLE DATA; Schema: lt_upgrade; Owner: -
--



--
-- Data for Name: directory_state; Type: TABLE DATA; Schema: lt_upgrade; Owner: -
--

INSERT INTO lt_upgrade.directory_state VALUES (1, 0);


--
-- Data for Name: node_audit; Type: TABLE DATA; Schema: lt_upgrade; Owner: -
--



--
-- Data for Name: node_document_index; Type: TABLE DATA; Schema: lt_upgrade; Owner: -
--

INSERT INTO lt_upgrade.node_document_index VALUES (1, 'in', '8d517e7def8541522732f91b737a9244c03f971f1031daf620d8dc7cb8ca14b3', '000.00.00.H41,2026/03/02,U0/UBND-VP', '000.00.00.H41', '000.00.00.G22', 'db706dc35f428babcb31e0c76c074b94545e13fdad21af39e40cedb3042d64a8', 'U0', 'UBND-VP', 'V/v văn bản số U0', 'u0/ubnd-vp v/v van ban so u0 cong van 000.00.00.h41 000.00.00.g22', 'v/v van ban so u0', NULL, 'Công văn', '2026-03-02', '2026-12-08 00:33:49+00', 6288, 1, NULL);
INSERT INTO lt_upgrade.node_document_index VALUES (2, 'in', 'b15534e17f28ce34d89051b3c3ee897e0eab99b9a739297851a88467b3fb5ebf', '000.00.00.H41,2026/03/02,U1/UBND-VP', '000.00.00.H41', '000.00.00.G22', '7ce738654560e087149c1b4152e4ae6cd9950b550d3862590c218bcc6d9a173b', 'U1', 'UBND-VP', 'V/v văn bản số U1', 'u1/ubnd-vp v/v van ban so u1 cong van 000.00.00.h41 000.00.00.g22', 'v/v van ban so u1', NULL, 'Công văn', '2026-03-02', '2026-12-08 00:33:49+00', 6288, 1, NULL);
INSERT INTO lt_upgrade.node_document_index VALUES (3, 'in', '6ef29eb05b2ac4befb24572ebe102d54059b751d8f153383de3b3ed88def0f20', '000.00.00.H41,2026/03/02,U2/UBND-VP', '000.00.00.H41', '000.00.00.G22', '0743376119e5538fd8c783ed2236c637900bae99f5e79c330ec58a91adaf7925', 'U2', 'UBND-VP', 'V/v văn bản số U2', 'u2/ubnd-vp v/v van ban so u2 cong van 000.00.00.h41 000.00.00.g22', 'v/v van ban so u2', NULL, 'Công văn', '2026-03-02', '2026-12-08 00:33:49+00', 6288, 1, NULL);
INSERT INTO lt_upgrade.node_document_index VALUES (4, 'out', '82a42478f70521ad54dd02266d9dd2ccb267d3684522a14fe33637feb09cce0d', '000.00.00.G22,2026/03/02,V1/UBND-VP', '000.00.00.G22', '000.00.00.H41', '51c5d7f94427e1d24458b69d4106cb321b252abd87a90166b0ea7cd238fadb32', 'V1', 'UBND-VP', 'V/v văn bản số V1', 'v1/ubnd-vp v/v van ban so v1 cong van 000.00.00.g22 000.00.00.h41', 'v/v van ban so v1', NULL, 'Công văn', '2026-03-02', '2026-12-08 00:33:49+00', 6302, 1, NULL);


--
-- Data for Name: node_document_links; Type: TABLE DATA; Schema: lt_upgrade; Owner: -
--



--
-- Data for Name: node_inbox; Type: TABLE DATA; Schema: lt_upgrade; Owner: -
--

INSERT INTO lt_upgrade.node_inbox VALUES (1, '8d517e7def8541522732f91b737a9244c03f971f1031daf620d8dc7cb8ca14b3', '000.00.00.H41,2026/03/02,U0/UBND-VP', 'document', 'db706dc35f428babcb31e0c76c074b94545e13fdad21af39e40cedb3042d64a8', '000.00.00.H41', '000.00.00.G22', '2026-12-08 00:33:49+00', 'active', NULL);
INSERT INTO lt_upgrade.node_inbox VALUES (2, 'b15534e17f28ce34d89051b3c3ee897e0eab99b9a739297851a88467b3fb5ebf', '000.00.00.H41,2026/03/02,U1/UBND-VP', 'document', '7ce738654560e087149c1b4152e4ae6cd9950b550d3862590c218bcc6d9a173b', '000.00.00.H41', '000.00.00.G22', '2026-12-08 00:33:49+00', 'active', NULL);
INSERT INTO lt_upgrade.node_inbox VALUES (3, '6ef29eb05b2ac4befb24572ebe102d54059b751d8f153383de3b3ed88def0f20', '000.00.00.H41,2026/03/02,U2/UBND-VP', 'document', '0743376119e5538fd8c783ed2236c637900bae99f5e79c330ec58a91adaf7925', '000.00.00.H41', '000.00.00.G22', '2026-12-08 00:33:49+00', 'active', NULL);


--
-- Data for Name: node_log; Type: TABLE DATA; Schema: lt_upgrade; Owner: -
--

INSERT INTO lt_upgrade.node_log VALUES (1, '2026-12-08 00:33:49+00', 'package-in', '8d517e7def8541522732f91b737a9244c03f971f1031daf620d8dc7cb8ca14b3', '000.00.00.H41,2026/03/02,U0/UBND-VP', '000.00.00.H41', 'db706dc35f428babcb31e0c76c074b94545e13fdad21af39e40cedb3042d64a8', '', '0000000000000000000000000000000000000000000000000000000000000000', 'cb041acf0d41c33d4147c38ccd6cc16a5f5f58dc04134beffa695288fe86683b');
INSERT INTO lt_upgrade.node_log VALUES (2, '2026-12-08 00:33:49+00', 'receipt-out', '8d517e7def8541522732f91b737a9244c03f971f1031daf620d8dc7cb8ca14b3', '000.00.00.H41,2026/03/02,U0/UBND-VP', '000.00.00.H41', 'f4a153de4e4977b48dc9cbe15e2f4432a1060f2f6a7d098e73659e95b86c54c4', '', 'cb041acf0d41c33d4147c38ccd6cc16a5f5f58dc04134beffa695288fe86683b', 'c6fd00996b4293c752ba1240f827b8808c0b3feb2ebfa526932f8a22c751dce9');
INSERT INTO lt_upgrade.node_log VALUES (3, '2026-12-08 00:33:49+00', 'package-in', 'b15534e17f28ce34d89051b3c3ee897e0eab99b9a739297851a88467b3fb5ebf', '000.00.00.H41,2026/03/02,U1/UBND-VP', '000.00.00.H41', '7ce738654560e087149c1b4152e4ae6cd9950b550d3862590c218bcc6d9a173b', '', 'c6fd00996b4293c752ba1240f827b8808c0b3feb2ebfa526932f8a22c751dce9', '13bb151d3a2086ece8479338bca823f4a8968b5619e2bc1db8bb2bc2648a5fda');
INSERT INTO lt_upgrade.node_log VALUES (4, '2026-12-08 00:33:49+00', 'receipt-out', 'b15534e17f28ce34d89051b3c3ee897e0eab99b9a739297851a88467b3fb5ebf', '000.00.00.H41,2026/03/02,U1/UBND-VP', '000.00.00.H41', 'bc7c068fabe4ce6e210fe3f21fe5be651576a07ee463edceafbf042ef8cf9c55', '', '13bb151d3a2086ece8479338bca823f4a8968b5619e2bc1db8bb2bc2648a5fda', 'c2803cffeb4c94e8b2d5fee7d9fad5020cc2dfb1c6d540f33793e0315aad950f');
INSERT INTO lt_upgrade.node_log VALUES (5, '2026-12-08 00:33:49+00', 'package-in', '6ef29eb05b2ac4befb24572ebe102d54059b751d8f153383de3b3ed88def0f20', '000.00.00.H41,2026/03/02,U2/UBND-VP', '000.00.00.H41', '0743376119e5538fd8c783ed2236c637900bae99f5e79c330ec58a91adaf7925', '', 'c2803cffeb4c94e8b2d5fee7d9fad5020cc2dfb1c6d540f33793e0315aad950f', '23d02e833a81f79e6a8d707bd174586727303fb4ba66911b4f5a4374a77291a8');
INSERT INTO lt_upgrade.node_log VALUES (6, '2026-12-08 00:33:49+00', 'receipt-out', '6ef29eb05b2ac4befb24572ebe102d54059b751d8f153383de3b3ed88def0f20', '000.00.00.H41,2026/03/02,U2/UBND-VP', '000.00.00.H41', '88e8e49564f92f720d3ca86b54dab68e15132bc720c18c17347c251d1fcca00b', '', '23d02e833a81f79e6a8d707bd174586727303fb4ba66911b4f5a4374a77291a8', 'e633877877ce112ad4d375ed5e4335d212b393e18999ec8121a3ebdd41707f64');
INSERT INTO lt_upgrade.node_log VALUES (7, '2026-12-08 00:33:49+00', 'package-out', '2040889ff2c452d3ccc5825f75c241f4ea5aefca45ad5fcd5cf0f4e28b0784ef', '000.00.00.H41,2026/03/02,U0/UBND-VP', '000.00.00.H41', '15e7282c7307fb31c33adb52405c5112a0e62eac21f73c6b6f850f218ad2ac77', '', 'e633877877ce112ad4d375ed5e4335d212b393e18999ec8121a3ebdd41707f64', 'e15e1185332bd875df40993f644beb65f8fcf20740542b91f0ae2c0ee571f986');
INSERT INTO lt_upgrade.node_log VALUES (8, '2026-12-08 00:33:49+00', 'package-out', '82a42478f70521ad54dd02266d9dd2ccb267d3684522a14fe33637feb09cce0d', '000.00.00.G22,2026/03/02,V1/UBND-VP', '000.00.00.H41', '51c5d7f94427e1d24458b69d4106cb321b252abd87a90166b0ea7cd238fadb32', '', 'e15e1185332bd875df40993f644beb65f8fcf20740542b91f0ae2c0ee571f986', 'b45a5676d5cf7d348aff258d18e672bb6e99f542d57aee1adc8babbcf8f34b43');
INSERT INTO lt_upgrade.node_log VALUES (9, '2026-12-08 00:33:49+00', 'receipt-in', '2040889ff2c452d3ccc5825f75c241f4ea5aefca45ad5fcd5cf0f4e28b0784ef', '000.00.00.H41,2026/03/02,U0/UBND-VP', '000.00.00.H41', '045c1c338dc72d7127bd6dcee774c30762e7cc855aead87024afa71f7c33ec8b', '', 'b45a5676d5cf7d348aff258d18e672bb6e99f542d57aee1adc8babbcf8f34b43', 'a97307dacb9d2d125072ca8cdd9d92d627c7a2b5c73ec2ea8c78254fe4729f69');
INSERT INTO lt_upgrade.node_log VALUES (10, '2026-12-08 00:33:49+00', 'receipt-in', '82a42478f70521ad54dd02266d9dd2ccb267d3684522a14fe33637feb09cce0d', '000.00.00.G22,2026/03/02,V1/UBND-VP', '000.00.00.H41', '0a1340a8fa736ad340c179fb173d83364a4b481f41b4d8cad1db2fa734171ae2', '', 'a97307dacb9d2d125072ca8cdd9d92d627c7a2b5c73ec2ea8c78254fe4729f69', '90c27ea7aa7297218dc024d32cf043361849a98d1c7c034fdfb414c5f8c9b6cd');


--
-- Data for Name: node_log_head; Type: TABLE DATA; Schema: lt_upgrade; Owner: -
--

INSERT INTO lt_upgrade.node_log_head VALUES (1, 10, '90c27ea7aa7297218dc024d32cf043361849a98d1c7c034fdfb414c5f8c9b6cd');


--
-- Data for Name: node_outbox; Type: TABLE DATA; Schema: lt_upgrade; Owner: -
--

INSERT INTO lt_upgrade.node_outbox VALUES (1, '2040889ff2c452d3ccc5825f75c241f4ea5aefca45ad5fcd5cf0f4e28b0784ef', '000.00.00.H41,2026/03/02,U0/UBND-VP', 'status', '15e7282c7307fb31c33adb52405c5112a0e62eac21f73c6b6f850f218ad2ac77', '000.00.00.G22', '000.00.00.H41', '000.00.00.H41', NULL, 'delivered', 1, '2026-12-08 00:33:49+00', '2026-12-08 00:33:49+00', '2026-12-11 00:33:49+00', NULL, NULL, NULL, '045c1c338dc72d7127bd6dcee774c30762e7cc855aead87024afa71f7c33ec8b');
INSERT INTO lt_upgrade.node_outbox VALUES (2, '82a42478f70521ad54dd02266d9dd2ccb267d3684522a14fe33637feb09cce0d', '000.00.00.G22,2026/03/02,V1/UBND-VP', 'document', '51c5d7f94427e1d24458b69d4106cb321b252abd87a90166b0ea7cd238fadb32', '000.00.00.G22', '000.00.00.H41', '000.00.00.H41', NULL, 'delivered', 1, '2026-12-08 00:33:49+00', '2026-12-08 00:33:49+00', '2026-12-11 00:33:49+00', NULL, NULL, NULL, '0a1340a8fa736ad340c179fb173d83364a4b481f41b4d8cad1db2fa734171ae2');


--
-- Data for Name: node_receipts; Type: TABLE DATA; Schema: lt_upgrade; Owner: -
--

INSERT INTO lt_upgrade.node_receipts VALUES (1, 'f4a153de4e4977b48dc9cbe15e2f4432a1060f2f6a7d098e73659e95b86c54c4', '\x4c5453544d542f310a7b22616c67223a225253323536222c22636861696e223a5b224d4949446d7a4343416f4f674177494241674955577a7639344f5643664d32586c6f50555444694133713168522b38774451594a4b6f5a496876634e4151454c425141775644454c4d416b474131554542684d43566b34784844416142674e5642416f4d453078705a573530614739755a79424f6232526c4946526c633351784a7a416c42674e5642414d4d486b78705a573530614739755a79424f6232526c4946526c6333516753584e7a64576c755a79424451544165467730794e6a45784d4467774d4449344e446c61467730794f4445784d4463774d444d7a4e446c614d427778437a414a42674e5642415954416c5a4f4d51307743775944565151444441523263474e774d494942496a414e42676b71686b6947397730424151454641414f43415138414d49494243674b43415145416c53456c6b4465537a6f456152737a6847334d645454344e737846616a6c434e44475a553450726d4d78716638556f735455757050317a5145446a6f7a5948714f47695a5371484b6234486464796a2f4b6769384f6355706a45666d77666745714251786b71317a6170427651586c756859336a646238466d6c32343432447536336e507a667853756f4b3837435866703955694e344a2f596f7a3969595039687a4136396466375033712f2b3068364933682f50757738746e58753330366e4c733261394b7874306345763533713139536f504377493037627450596a716f314c37446d3572496d744d74697231746470495635736535425737456e4241514d4d63336d48556338377a5756464c45314b682f7277304531683948506678752b4135306667484142636f654a5559503276524a674654583030723856706e734c516a76782b4a6d46696276475341346b64672f34774944415141426f3447634d49475a4d42304741315564446751574242535236425255336f6b65794d6b7a47584563653933377a6471795254416642674e5648534d45474441576742546e437767665a502f4c6a51347a594a4f536b4c6e7563424964526a414d42674e5648524d4241663845416a41414d41344741315564447745422f775145417749466f44416442674e5648535545466a4155426767724267454642516344415159494b7759424251554841774977476759445652305242424d774559494a6247396a5957786f62334e306877522f414141424d41304743537147534962334451454243775541413449424151434d2f7854324677496c2b4931534e4a503838786e77674d453574474e366b4c5a6879584b494a7a797977536938516c6f77464765457146424d4b31476c4245714a793776575a476e306d4f335352645a3842596e5736356a69476a317969506b44334c696d51415568663637354776782b6574644830393047674d2f536f5a674c79576d42387570794f6b6e53326d6c41336d656e364662616a3478566a53684f37534d586f4a565931734f5479436b723150442b627550774976707065436c474c69327457764a594c452b4454762b6e3370714678383255593169636d39376279794d45637436654465727a6d486350306b6d6d6f513550347a547168726938636e5a394c3279483974593244572f51534e7a55474f634d524b657355374e625a6a6862664773555261355469645a646c4c4f2f415a58315255496839664e6732684d773761442b673946396558734d326c454b222c224d4949446d544343416f47674177494241674955466e5a634e377737774344594e4a66576b32364c72705a31585738774451594a4b6f5a496876634e4151454c425141775554454c4d416b474131554542684d43566b34784844416142674e5642416f4d453078705a573530614739755a79424f6232526c4946526c633351784a44416942674e5642414d4d473078705a573530614739755a79424f6232526c4946526c63335167556d39766443424451544165467730794e6a45784d4467774d4449344e446c614677307a4e6a45784d4455774d444d7a4e446c614d465178437a414a42674e5642415954416c5a4f4d527777476759445651514b44424e4d6157567564476876626d6367546d396b5a5342555a584e304d5363774a515944565151444442354d6157567564476876626d6367546d396b5a5342555a584e3049456c7a63335670626d636751304577676745694d4130474353714753496233445145424151554141344942447741776767454b416f494241514373506958507a7a2f48746c387771544b6d746331625250484863784d43715a664b507872444d6c6b564b2f636f586e7337656f6379556178657833664f5a314833516b4156664f662b362b54782b47733073663741533258777574496b61424b5739756b3848357457706a6a6979794b4f624f496259772b59334d746c626331375468586d6241535a70333077426c696479597a7a612f48335a687a7356363177714a3253794237352f5252706774382f766f4e2b534759395570796f786245476f6a45453551336b4f4379464b6a4245466377716e79424435575473733357655a42557a4e734a58664f495362354f6e752b55446433636b506361513972676f456334663673686770393254547677654e553162635a306533476868467957666478447651684872303134466d7a365133554d6233524975754c786c4e465979773670306f2f432b507571487470785265734a7641674d424141476a5a6a426b4d42304741315564446751574242546e437767665a502f4c6a51347a594a4f536b4c6e7563424964526a416642674e5648534d45474441576742536c6845527334414a44396a7769513053756230484c32525636397a415342674e5648524d4241663845434441474151482f416745414d41344741315564447745422f77514541774942426a414e42676b71686b6947397730424151734641414f434151454155686758734d736145623562784a4a48716c714a35326878767445587768426c32776d7a37676932397048315552395a42386e366567792b70386c3773474f525066454e33743965473078324b55353230302b5868386a4e30426d6268364c6e4b5a354d4273754d725a7548464378524d38647a5150573753555a466a477763525a595339755a5337304148657965706d322b74653863734e716d71714243417971584b6d324f787479497442672b376e36717556485059754b4855324672342f6e483545306c674a706d6959754849544d6c76437677577a70446979666851764e7a7255324a66744459732f3650377844504d3767596a556f4949562f2f4b6a4b56612f2f32744769304755356149507071302f344e594b47334f4e4e6f327130414430493975644f4642774b47757144783957433679472b57443763703441466c686365483630765733575174796d326a3434773d3d225d2c22736967223a22574d70745545574650484b556d32734370706c65705764654168796c672b634e4e76446546644270353645366f63567531304235577a666e69717752574462735a43774162574164472b48786e4c5a466b4f4a3141585a494f7454446d51504873664b6739717868434d6a582f38794d664d72354f305737437647367571517a577a54386a792f626b7333654e516c675861784b58554a4f685a7252753069664f4b32727439736b7a38715a37704c31376353677a6c61537073794d67765446727277782f4c676c77742f6b55686d6f3155674758565672444a46673839737262566a71756f6e5844447a7439362b6c695964424a42726b47536e4b7058434158554977434763535758306e536c494d6b6751563244754f6c6a3774517976785a7956754c685745622f6a455471545744344f7248542f2b746852736a314b6f77564473616c585362597a50537475306377664945413d3d227d0a7b226174223a22323032362d31322d30385430303a33333a34392b30303a3030222c22646f63756d656e745f6964223a223030302e30302e30302e4834312c323032362f30332f30322c55302f55424e442d5650222c226475706c6963617465223a66616c73652c226b696e64223a22646f63756d656e74222c226d6573736167655f6964223a2238643531376537646566383534313532323733326639316237333761393234346330336639373166313033316461663632306438646337636238636131346233222c226e6f6465223a2276706370222c226f7574636f6d65223a226163636570746564222c227061636b6167655f736861323536223a2264623730366463333566343238626162636233316530633736633037346239343534356531336664616432316166333965343063656462333034326436346138222c22726561736f6e223a6e756c6c2c22726561736f6e5f636f6465223a6e756c6c2c22726563697069656e74223a223030302e30302e30302e473232222c2273656e646572223a223030302e30302e30302e483431222c2274797065223a2272656365697074222c2276223a317d', '8d517e7def8541522732f91b737a9244c03f971f1031daf620d8dc7cb8ca14b3', '000.00.00.G22', true, NULL, 'out', '2026-12-08 00:33:49+00');
INSERT INTO lt_upgrade.node_receipts VALUES (2, 'bc7c068fabe4ce6e210fe3f21fe5be651576a07ee463edceafbf042ef8cf9c55', '\x4c5453544d542f310a7b22616c67223a225253323536222c22636861696e223a5b224d4949446d7a4343416f4f674177494241674955577a7639344f5643664d32586c6f50555444694133713168522b38774451594a4b6f5a496876634e4151454c425141775644454c4d416b474131554542684d43566b34784844416142674e5642416f4d453078705a573530614739755a79424f6232526c4946526c633351784a7a416c42674e5642414d4d486b78705a573530614739755a79424f6232526c4946526c6333516753584e7a64576c755a79424451544165467730794e6a45784d4467774d4449344e446c61467730794f4445784d4463774d444d7a4e446c614d427778437a414a42674e5642415954416c5a4f4d51307743775944565151444441523263474e774d494942496a414e42676b71686b6947397730424151454641414f43415138414d49494243674b43415145416c53456c6b4465537a6f456152737a6847334d645454344e737846616a6c434e44475a553450726d4d78716638556f735455757050317a5145446a6f7a5948714f47695a5371484b6234486464796a2f4b6769384f6355706a45666d77666745714251786b71317a6170427651586c756859336a646238466d6c32343432447536336e507a667853756f4b3837435866703955694e344a2f596f7a3969595039687a4136396466375033712f2b3068364933682f50757738746e58753330366e4c733261394b7874306345763533713139536f504377493037627450596a716f314c37446d3572496d744d74697231746470495635736535425737456e4241514d4d63336d48556338377a5756464c45314b682f7277304531683948506678752b4135306667484142636f654a5559503276524a674654583030723856706e734c516a76782b4a6d46696276475341346b64672f34774944415141426f3447634d49475a4d42304741315564446751574242535236425255336f6b65794d6b7a47584563653933377a6471795254416642674e5648534d45474441576742546e437767665a502f4c6a51347a594a4f536b4c6e7563424964526a414d42674e5648524d4241663845416a41414d41344741315564447745422f775145417749466f44416442674e5648535545466a4155426767724267454642516344415159494b7759424251554841774977476759445652305242424d774559494a6247396a5957786f62334e306877522f414141424d41304743537147534962334451454243775541413449424151434d2f7854324677496c2b4931534e4a503838786e77674d453574474e366b4c5a6879584b494a7a797977536938516c6f77464765457146424d4b31476c4245714a793776575a476e306d4f335352645a3842596e5736356a69476a317969506b44334c696d51415568663637354776782b6574644830393047674d2f536f5a674c79576d42387570794f6b6e53326d6c41336d656e364662616a3478566a53684f37534d586f4a565931734f5479436b723150442b627550774976707065436c474c69327457764a594c452b4454762b6e3370714678383255593169636d39376279794d45637436654465727a6d486350306b6d6d6f513550347a547168726938636e5a394c3279483974593244572f51534e7a55474f634d524b657355374e625a6a6862664773555261355469645a646c4c4f2f415a58315255496839664e6732684d773761442b673946396558734d326c454b222c224d4949446d544343416f47674177494241674955466e5a634e377737774344594e4a66576b32364c72705a31585738774451594a4b6f5a496876634e4151454c425141775554454c4d416b474131554542684d43566b34784844416142674e5642416f4d453078705a573530614739755a79424f6232526c4946526c633351784a44416942674e5642414d4d473078705a573530614739755a79424f6232526c4946526c63335167556d39766443424451544165467730794e6a45784d4467774d4449344e446c614677307a4e6a45784d4455774d444d7a4e446c614d465178437a414a42674e5642415954416c5a4f4d527777476759445651514b44424e4d6157567564476876626d6367546d396b5a5342555a584e304d5363774a515944565151444442354d6157567564476876626d6367546d396b5a5342555a584e3049456c7a63335670626d636751304577676745694d4130474353714753496233445145424151554141344942447741776767454b416f494241514373506958507a7a2f48746c387771544b6d746331625250484863784d43715a664b507872444d6c6b564b2f636f586e7337656f6379556178657833664f5a314833516b4156664f662b362b54782b47733073663741533258777574496b61424b5739756b3848357457706a6a6979794b4f624f496259772b59334d746c626331375468586d6241535a70333077426c696479597a7a612f48335a687a7356363177714a3253794237352f5252706774382f766f4e2b534759395570796f786245476f6a45453551336b4f4379464b6a4245466377716e79424435575473733357655a42557a4e734a58664f495362354f6e752b55446433636b506361513972676f456334663673686770393254547677654e553162635a306533476868467957666478447651684872303134466d7a365133554d6233524975754c786c4e465979773670306f2f432b507571487470785265734a7641674d424141476a5a6a426b4d42304741315564446751574242546e437767665a502f4c6a51347a594a4f536b4c6e7563424964526a416642674e5648534d45474441576742536c6845527334414a44396a7769513053756230484c32525636397a415342674e5648524d4241663845434441474151482f416745414d41344741315564447745422f77514541774942426a414e42676b71686b6947397730424151734641414f434151454155686758734d736145623562784a4a48716c714a35326878767445587768426c32776d7a37676932397048315552395a42386e366567792b70386c3773474f525066454e33743965473078324b55353230302b5868386a4e30426d6268364c6e4b5a354d4273754d725a7548464378524d38647a5150573753555a466a477763525a595339755a5337304148657965706d322b74653863734e716d71714243417971584b6d324f787479497442672b376e36717556485059754b4855324672342f6e483545306c674a706d6959754849544d6c76437677577a70446979666851764e7a7255324a66744459732f3650377844504d3767596a556f4949562f2f4b6a4b56612f2f32744769304755356149507071302f344e594b47334f4e4e6f327130414430493975644f4642774b47757144783957433679472b57443763703441466c686365483630765733575174796d326a3434773d3d225d2c22736967223a224d533537315a62766e386b7447636e6c5454446b42706257582f70414a4f796f2f63413375336a4a3343655a69554b556b74346d4e48464e45684b36626d782b7a793930466c6a5a6f686d704c694f534d6f59453334786d6b47473844484845422b72363347744738396a595639577435393062744a556b49614a525777614b6c6972596a396548633868726f3756336972476d72684e2f616e6f492b3653623853637a436f476d4f502b5432662b736178586c4d69676e4e32743041415337554b47756f554e634c7a6875355a4e477a4461352b494b3376336e7969747735586a676b4643664f626b533248626e3941585a776c793168734a564e2f547432615869366755704765544249414a4c4d516949596f5a4b34463732624744736274714238623272772f30544764497a6963764a6b2b4f362f64545a577371636e4c686c4b56464d616750712f684d52534c70717438773d3d227d0a7b226174223a22323032362d31322d30385430303a33333a34392b30303a3030222c22646f63756d656e745f6964223a223030302e30302e30302e4834312c323032362f30332f30322c55312f55424e442d5650222c226475706c6963617465223a66616c73652c226b696e64223a22646f63756d656e74222c226d6573736167655f6964223a2262313535333465313766323863653334643839303531623363336565383937653065616239396239613733393239373835316138383436376233666235656266222c226e6f6465223a2276706370222c226f7574636f6d65223a226163636570746564222c227061636b6167655f736861323536223a2237636537333836353435363065303837313439633162343135326534616536636439393530623535306433383632353930633231386263633664396131373362222c22726561736f6e223a6e756c6c2c22726561736f6e5f636f6465223a6e756c6c2c22726563697069656e74223a223030302e30302e30302e473232222c2273656e646572223a223030302e30302e30302e483431222c2274797065223a2272656365697074222c2276223a317d', 'b15534e17f28ce34d89051b3c3ee897e0eab99b9a739297851a88467b3fb5ebf', '000.00.00.G22', true, NULL, 'out', '2026-12-08 00:33:49+00');
INSERT INTO lt_upgrade.node_receipts VALUES (3, '88e8e49564f92f720d3ca86b54dab68e15132bc720c18c17347c251d1fcca00b', '\x4c5453544d542f310a7b22616c67223a225253323536222c22636861696e223a5b224d4949446d7a4343416f4f674177494241674955577a7639344f5643664d32586c6f50555444694133713168522b38774451594a4b6f5a496876634e4151454c425141775644454c4d416b474131554542684d43566b34784844416142674e5642416f4d453078705a573530614739755a79424f6232526c4946526c633351784a7a416c42674e5642414d4d486b78705a573530614739755a79424f6232526c4946526c6333516753584e7a64576c755a79424451544165467730794e6a45784d4467774d4449344e446c61467730794f4445784d4463774d444d7a4e446c614d427778437a414a42674e5642415954416c5a4f4d51307743775944565151444441523263474e774d494942496a414e42676b71686b6947397730424151454641414f43415138414d49494243674b43415145416c53456c6b4465537a6f456152737a6847334d645454344e737846616a6c434e44475a553450726d4d78716638556f735455757050317a5145446a6f7a5948714f47695a5371484b6234486464796a2f4b6769384f6355706a45666d77666745714251786b71317a6170427651586c756859336a646238466d6c32343432447536336e507a667853756f4b3837435866703955694e344a2f596f7a3969595039687a4136396466375033712f2b3068364933682f50757738746e58753330366e4c733261394b7874306345763533713139536f504377493037627450596a716f314c37446d3572496d744d74697231746470495635736535425737456e4241514d4d63336d48556338377a5756464c45314b682f7277304531683948506678752b4135306667484142636f654a5559503276524a674654583030723856706e734c516a76782b4a6d46696276475341346b64672f34774944415141426f3447634d49475a4d42304741315564446751574242535236425255336f6b65794d6b7a47584563653933377a6471795254416642674e5648534d45474441576742546e437767665a502f4c6a51347a594a4f536b4c6e7563424964526a414d42674e5648524d4241663845416a41414d41344741315564447745422f775145417749466f44416442674e5648535545466a4155426767724267454642516344415159494b7759424251554841774977476759445652305242424d774559494a6247396a5957786f62334e306877522f414141424d41304743537147534962334451454243775541413449424151434d2f7854324677496c2b4931534e4a503838786e77674d453574474e366b4c5a6879584b494a7a797977536938516c6f77464765457146424d4b31476c4245714a793776575a476e306d4f335352645a3842596e5736356a69476a317969506b44334c696d51415568663637354776782b6574644830393047674d2f536f5a674c79576d42387570794f6b6e53326d6c41336d656e364662616a3478566a53684f37534d586f4a565931734f5479436b723150442b627550774976707065436c474c69327457764a594c452b4454762b6e3370714678383255593169636d39376279794d45637436654465727a6d486350306b6d6d6f513550347a547168726938636e5a394c3279483974593244572f51534e7a55474f634d524b657355374e625a6a6862664773555261355469645a646c4c4f2f415a58315255496839664e6732684d773761442b673946396558734d326c454b222c224d4949446d544343416f47674177494241674955466e5a634e377737774344594e4a66576b32364c72705a31585738774451594a4b6f5a496876634e4151454c425141775554454c4d416b474131554542684d43566b34784844416142674e5642416f4d453078705a573530614739755a79424f6232526c4946526c633351784a44416942674e5642414d4d473078705a573530614739755a79424f6232526c4946526c63335167556d39766443424451544165467730794e6a45784d4467774d4449344e446c614677307a4e6a45784d4455774d444d7a4e446c614d465178437a414a42674e5642415954416c5a4f4d527777476759445651514b44424e4d6157567564476876626d6367546d396b5a5342555a584e304d5363774a515944565151444442354d6157567564476876626d6367546d396b5a5342555a584e3049456c7a63335670626d636751304577676745694d4130474353714753496233445145424151554141344942447741776767454b416f494241514373506958507a7a2f48746c387771544b6d746331625250484863784d43715a664b507872444d6c6b564b2f636f586e7337656f6379556178657833664f5a314833516b4156664f662b362b54782b47733073663741533258777574496b61424b5739756b3848357457706a6a6979794b4f624f496259772b59334d746c626331375468586d6241535a70333077426c696479597a7a612f48335a687a7356363177714a3253794237352f5252706774382f766f4e2b534759395570796f786245476f6a45453551336b4f4379464b6a4245466377716e79424435575473733357655a42557a4e734a58664f495362354f6e752b55446433636b506361513972676f456334663673686770393254547677654e553162635a306533476868467957666478447651684872303134466d7a365133554d6233524975754c786c4e465979773670306f2f432b507571487470785265734a7641674d424141476a5a6a426b4d42304741315564446751574242546e437767665a502f4c6a51347a594a4f536b4c6e7563424964526a416642674e5648534d45474441576742536c6845527334414a44396a7769513053756230484c32525636397a415342674e5648524d4241663845434441474151482f416745414d41344741315564447745422f77514541774942426a414e42676b71686b6947397730424151734641414f434151454155686758734d736145623562784a4a48716c714a35326878767445587768426c32776d7a37676932397048315552395a42386e366567792b70386c3773474f525066454e33743965473078324b55353230302b5868386a4e30426d6268364c6e4b5a354d4273754d725a7548464378524d38647a5150573753555a466a477763525a595339755a5337304148657965706d322b74653863734e716d71714243417971584b6d324f787479497442672b376e36717556485059754b4855324672342f6e483545306c674a706d6959754849544d6c76437677577a70446979666851764e7a7255324a66744459732f3650377844504d3767596a556f4949562f2f4b6a4b56612f2f32744769304755356149507071302f344e594b47334f4e4e6f327130414430493975644f4642774b47757144783957433679472b57443763703441466c686365483630765733575174796d326a3434773d3d225d2c22736967223a224658375569614a7170777932682f445a7342387270686a466555615234496c4e2f6f6a57506c4f716b68716f51714c6764584546726459656b4d545246414756486c543358372f3445387371776c717a492f6765666a6d2f2b70614155795041504b584e702f31354f7051754b58696241587a37586e546e4375367a755643336c524e42436879513266357866676543426b50494e6a5a5550574c38754a557267514344712f77386558422f5166414a61452b7164626b2f473670642b432b722f36557852325641664831546a6b466f692f354951766b346958754369486a7073716a68576a6650514c334b4e762f574e6c495269654f6334477241482f66626766434d2f6d6e326869686b64542f56516b6e4e4547346d2b5361586544527a3579585447314c52477648687539507165567451595a7839375478376d534343534d6a62592f434f594a71375877743462436b6f44773d3d227d0a7b226174223a22323032362d31322d30385430303a33333a34392b30303a3030222c22646f63756d656e745f6964223a223030302e30302e30302e4834312c323032362f30332f30322c55322f55424e442d5650222c226475706c6963617465223a66616c73652c226b696e64223a22646f63756d656e74222c226d6573736167655f6964223a2236656632396562303562326163346265666232343537326562653130326435343035396237353164386631353333383364653362336564383864656630663230222c226e6f6465223a2276706370222c226f7574636f6d65223a226163636570746564222c227061636b6167655f736861323536223a2230373433333736313139653535333866643863373833656432323336633633373930306261653939663565373963333330656335386139316164616637393235222c22726561736f6e223a6e756c6c2c22726561736f6e5f636f6465223a6e756c6c2c22726563697069656e74223a223030302e30302e30302e473232222c2273656e646572223a223030302e30302e30302e483431222c2274797065223a2272656365697074222c2276223a317d', '6ef29eb05b2ac4befb24572ebe102d54059b751d8f153383de3b3ed88def0f20', '000.00.00.G22', true, NULL, 'out', '2026-12-08 00:33:49+00');
INSERT INTO lt_upgrade.node_receipts VALUES (4, '045c1c338dc72d7127bd6dcee774c30762e7cc855aead87024afa71f7c33ec8b', '\x4c5453544d542f310a7b22616c67223a225253323536222c22636861696e223a5b224d4949446e6a4343416f616741774942416749554f746e5553704e525a71796b496e6f627267506a5a527846613355774451594a4b6f5a496876634e4151454c425141775644454c4d416b474131554542684d43566b34784844416142674e5642416f4d453078705a573530614739755a79424f6232526c4946526c633351784a7a416c42674e5642414d4d486b78705a573530614739755a79424f6232526c4946526c6333516753584e7a64576c755a79424451544165467730794e6a45784d4467774d4449344e446c61467730794f4445784d4463774d444d7a4e446c614d423878437a414a42674e5642415954416c5a4f4d5241774467594456515144444164755a32686c4c5746754d494942496a414e42676b71686b6947397730424151454641414f43415138414d49494243674b4341514541322f7a5942587071694671354c4249654670752b5371503062555132454350617358633844396c6d6f75716673555a75794551792b425363684953666b694d492b5559376a703979583862737473703237795845325830442f44714f777a3062784c75664c79756f4244794652635676784b7a64486f726e66436d696d56724e516d54436a504d794c562b7331502b74674668737a58795439724f734b79365556516e416c67655169686e337a394238765567495062623831545976684e6d4e6d5577543545527a69636a744d4f704c75334473615231664b4a6f72354f71636a454d2b725a55685977434f627968573462516f6f672f726f644e6454436f4f665a46786b78774d4531324c686a4d3168714966664b6657634541684455682b4873516833507a6652367a2b7065387850553170615a58507535374a464b5131637472617839726f39596f6641653772394f4c6231514944415141426f3447634d49475a4d423047413155644467515742425278692b52423965357846554f694676436b75522f63685065676544416642674e5648534d45474441576742546e437767665a502f4c6a51347a594a4f536b4c6e7563424964526a414d42674e5648524d4241663845416a41414d41344741315564447745422f775145417749466f44416442674e5648535545466a4155426767724267454642516344415159494b7759424251554841774977476759445652305242424d774559494a6247396a5957786f62334e306877522f414141424d413047435371475349623344514542437755414134494241514345317a35316d754c52716231714f6f31724d6859716d2f42696c6d4c5965596e66336f4b6f63674369377975335750665962302f6e436d64506263306a4e653548424c6474636a48556f514258376b4f41612b3635563433646f55496261636f435939492f3931326b79796b6b53386f3731527366753150726c6b582f2f39704e524433745875542b66434b414f7873352f4f6a586536536659424f59682b41536f7a59446d3541373774574e3355526c43624c313855717963644141785030775449467843624d684e5a30364a63565931453432323930656a6e486748506a6a493733305a35514a524e746e786462322f647255495a527a344f302b6f4e6a786d2b5a71694573765636645270683351563733364a567738794b44446679756d6f62627133432f48616d6f7137525a6e67634139756e6b474755664d476957754e366354646c684f3156543266516b79304d6434222c224d4949446d544343416f47674177494241674955466e5a634e377737774344594e4a66576b32364c72705a31585738774451594a4b6f5a496876634e4151454c425141775554454c4d416b474131554542684d43566b34784844416142674e5642416f4d453078705a573530614739755a79424f6232526c4946526c633351784a44416942674e5642414d4d473078705a573530614739755a79424f6232526c4946526c63335167556d39766443424451544165467730794e6a45784d4467774d4449344e446c614677307a4e6a45784d4455774d444d7a4e446c614d465178437a414a42674e5642415954416c5a4f4d527777476759445651514b44424e4d6157567564476876626d6367546d396b5a5342555a584e304d5363774a515944565151444442354d6157567564476876626d6367546d396b5a5342555a584e3049456c7a63335670626d636751304577676745694d4130474353714753496233445145424151554141344942447741776767454b416f494241514373506958507a7a2f48746c387771544b6d746331625250484863784d43715a664b507872444d6c6b564b2f636f586e7337656f6379556178657833664f5a314833516b4156664f662b362b54782b47733073663741533258777574496b61424b5739756b3848357457706a6a6979794b4f624f496259772b59334d746c626331375468586d6241535a70333077426c696479597a7a612f48335a687a7356363177714a3253794237352f5252706774382f766f4e2b534759395570796f786245476f6a45453551336b4f4379464b6a4245466377716e79424435575473733357655a42557a4e734a58664f495362354f6e752b55446433636b506361513972676f456334663673686770393254547677654e553162635a306533476868467957666478447651684872303134466d7a365133554d6233524975754c786c4e465979773670306f2f432b507571487470785265734a7641674d424141476a5a6a426b4d42304741315564446751574242546e437767665a502f4c6a51347a594a4f536b4c6e7563424964526a416642674e5648534d45474441576742536c6845527334414a44396a7769513053756230484c32525636397a415342674e5648524d4241663845434441474151482f416745414d41344741315564447745422f77514541774942426a414e42676b71686b6947397730424151734641414f434151454155686758734d736145623562784a4a48716c714a35326878767445587768426c32776d7a37676932397048315552395a42386e366567792b70386c3773474f525066454e33743965473078324b55353230302b5868386a4e30426d6268364c6e4b5a354d4273754d725a7548464378524d38647a5150573753555a466a477763525a595339755a5337304148657965706d322b74653863734e716d71714243417971584b6d324f787479497442672b376e36717556485059754b4855324672342f6e483545306c674a706d6959754849544d6c76437677577a70446979666851764e7a7255324a66744459732f3650377844504d3767596a556f4949562f2f4b6a4b56612f2f32744769304755356149507071302f344e594b47334f4e4e6f327130414430493975644f4642774b47757144783957433679472b57443763703441466c686365483630765733575174796d326a3434773d3d225d2c22736967223a2275562b522f6335477842794e70614b34785468446f5a654f62552f54336a68336a73333770675a734d454d533638772b584656377044747a5646567456764d783141585831574c4b6437783738356f3542305169723858777558734756314269646b4c5968353569776154614969794e646d35663631464b6e3070486b324f6239575079706e4e6c5567534861556b79375a4838582f74346a6262587748317879705068766563346b7848794c473850583656474635536a516c6f433665536d476238574c5461595869725547744c6e734847393632526d6e726469747633544972304a33676d7a544550317142424a3162656279586a7654614738444957345042756c4d4c78376957574263306e5667587a4d616f4632575032585844706e2f42664c3069437169676a5a63666e57494a7a4b74312f505137565a47375973674c2b49544779444c4c417558756a64765659547a673d3d227d0a7b226174223a22323032362d31322d30385430303a33333a34392b30303a3030222c22646f63756d656e745f6964223a223030302e30302e30302e4834312c323032362f30332f30322c55302f55424e442d5650222c226475706c6963617465223a66616c73652c226b696e64223a22737461747573222c226d6573736167655f6964223a2232303430383839666632633435326433636363353832356637356332343166346561356165666361343561643566636435636630663465323862303738346566222c226e6f6465223a226e6768652d616e222c226f7574636f6d65223a226163636570746564222c227061636b6167655f736861323536223a2231356537323832633733303766623331633333616462353234303563353131326130653632656163323166373363366236663835306632313861643261633737222c22726561736f6e223a6e756c6c2c22726561736f6e5f636f6465223a6e756c6c2c22726563697069656e74223a223030302e30302e30302e483431222c2273656e646572223a223030302e30302e30302e473232222c2274797065223a2272656365697074222c2276223a317d', '2040889ff2c452d3ccc5825f75c241f4ea5aefca45ad5fcd5cf0f4e28b0784ef', '000.00.00.H41', true, NULL, 'in', '2026-12-08 00:33:49+00');
INSERT INTO lt_upgrade.node_receipts VALUES (5, '0a1340a8fa736ad340c179fb173d83364a4b481f41b4d8cad1db2fa734171ae2', '\x4c5453544d542f310a7b22616c67223a225253323536222c22636861696e223a5b224d4949446e6a4343416f616741774942416749554f746e5553704e525a71796b496e6f627267506a5a527846613355774451594a4b6f5a496876634e4151454c425141775644454c4d416b474131554542684d43566b34784844416142674e5642416f4d453078705a573530614739755a79424f6232526c4946526c633351784a7a416c42674e5642414d4d486b78705a573530614739755a79424f6232526c4946526c6333516753584e7a64576c755a79424451544165467730794e6a45784d4467774d4449344e446c61467730794f4445784d4463774d444d7a4e446c614d423878437a414a42674e5642415954416c5a4f4d5241774467594456515144444164755a32686c4c5746754d494942496a414e42676b71686b6947397730424151454641414f43415138414d49494243674b4341514541322f7a5942587071694671354c4249654670752b5371503062555132454350617358633844396c6d6f75716673555a75794551792b425363684953666b694d492b5559376a703979583862737473703237795845325830442f44714f777a3062784c75664c79756f4244794652635676784b7a64486f726e66436d696d56724e516d54436a504d794c562b7331502b74674668737a58795439724f734b79365556516e416c67655169686e337a394238765567495062623831545976684e6d4e6d5577543545527a69636a744d4f704c75334473615231664b4a6f72354f71636a454d2b725a55685977434f627968573462516f6f672f726f644e6454436f4f665a46786b78774d4531324c686a4d3168714966664b6657634541684455682b4873516833507a6652367a2b7065387850553170615a58507535374a464b5131637472617839726f39596f6641653772394f4c6231514944415141426f3447634d49475a4d423047413155644467515742425278692b52423965357846554f694676436b75522f63685065676544416642674e5648534d45474441576742546e437767665a502f4c6a51347a594a4f536b4c6e7563424964526a414d42674e5648524d4241663845416a41414d41344741315564447745422f775145417749466f44416442674e5648535545466a4155426767724267454642516344415159494b7759424251554841774977476759445652305242424d774559494a6247396a5957786f62334e306877522f414141424d413047435371475349623344514542437755414134494241514345317a35316d754c52716231714f6f31724d6859716d2f42696c6d4c5965596e66336f4b6f63674369377975335750665962302f6e436d64506263306a4e653548424c6474636a48556f514258376b4f41612b3635563433646f55496261636f435939492f3931326b79796b6b53386f3731527366753150726c6b582f2f39704e524433745875542b66434b414f7873352f4f6a586536536659424f59682b41536f7a59446d3541373774574e3355526c43624c313855717963644141785030775449467843624d684e5a30364a63565931453432323930656a6e486748506a6a493733305a35514a524e746e786462322f647255495a527a344f302b6f4e6a786d2b5a71694573765636645270683351563733364a567738794b44446679756d6f62627133432f48616d6f7137525a6e67634139756e6b474755664d476957754e366354646c684f3156543266516b79304d6434222c224d4949446d544343416f47674177494241674955466e5a634e377737774344594e4a66576b32364c72705a31585738774451594a4b6f5a496876634e4151454c425141775554454c4d416b474131554542684d43566b34784844416142674e5642416f4d453078705a573530614739755a79424f6232526c4946526c633351784a44416942674e5642414d4d473078705a573530614739755a79424f6232526c4946526c63335167556d39766443424451544165467730794e6a45784d4467774d4449344e446c614677307a4e6a45784d4455774d444d7a4e446c614d465178437a414a42674e5642415954416c5a4f4d527777476759445651514b44424e4d6157567564476876626d6367546d396b5a5342555a584e304d5363774a515944565151444442354d6157567564476876626d6367546d396b5a5342555a584e3049456c7a63335670626d636751304577676745694d4130474353714753496233445145424151554141344942447741776767454b416f494241514373506958507a7a2f48746c387771544b6d746331625250484863784d43715a664b507872444d6c6b564b2f636f586e7337656f6379556178657833664f5a314833516b4156664f662b362b54782b47733073663741533258777574496b61424b5739756b3848357457706a6a6979794b4f624f496259772b59334d746c626331375468586d6241535a70333077426c696479597a7a612f48335a687a7356363177714a3253794237352f5252706774382f766f4e2b534759395570796f786245476f6a45453551336b4f4379464b6a4245466377716e79424435575473733357655a42557a4e734a58664f495362354f6e752b55446433636b506361513972676f456334663673686770393254547677654e553162635a306533476868467957666478447651684872303134466d7a365133554d6233524975754c786c4e465979773670306f2f432b507571487470785265734a7641674d424141476a5a6a426b4d42304741315564446751574242546e437767665a502f4c6a51347a594a4f536b4c6e7563424964526a416642674e5648534d45474441576742536c6845527334414a44396a7769513053756230484c32525636397a415342674e5648524d4241663845434441474151482f416745414d41344741315564447745422f77514541774942426a414e42676b71686b6947397730424151734641414f434151454155686758734d736145623562784a4a48716c714a35326878767445587768426c32776d7a37676932397048315552395a42386e366567792b70386c3773474f525066454e33743965473078324b55353230302b5868386a4e30426d6268364c6e4b5a354d4273754d725a7548464378524d38647a5150573753555a466a477763525a595339755a5337304148657965706d322b74653863734e716d71714243417971584b6d324f787479497442672b376e36717556485059754b4855324672342f6e483545306c674a706d6959754849544d6c76437677577a70446979666851764e7a7255324a66744459732f3650377844504d3767596a556f4949562f2f4b6a4b56612f2f32744769304755356149507071302f344e594b47334f4e4e6f327130414430493975644f4642774b47757144783957433679472b57443763703441466c686365483630765733575174796d326a3434773d3d225d2c22736967223a22487a534f413230384c377763347175467a6c4862556c346f36654d7330484e5353694b494b374b367a76553774564f386b38473359543170694168547138673854757a344d496c57446c2b5361575a5a5668363531307a70576c65513563772f6751523943446d694c32514b784270645a4939344e366a5a32667865594a62546845376d69324776474c48766241435035417045776b36397161444e6d55572b355851484f32647330526e3644494a65575a634a4a30717578574d75624a4d3868594973663635703572453535585361427033696f415141776b4d646d424647704344564255497a646258646956523450314764572b507439384e34637063514c624e4d6c4158676e3769547274615a4836794e2b346f51326164354748445657597270626e77764b46635532566b71624b5233564d663178506a4e53752b65384952304c6a7976795a306c532f7055474e437548673d3d227d0a7b226174223a22323032362d31322d30385430303a33333a34392b30303a3030222c22646f63756d656e745f6964223a223030302e30302e30302e4732322c323032362f30332f30322c56312f55424e442d5650222c226475706c6963617465223a66616c73652c226b696e64223a22646f63756d656e74222c226d6573736167655f6964223a2238326134323437386637303532316164353464643032323636643964643263636232363764333638343532326131346665333336333766656230396363653064222c226e6f6465223a226e6768652d616e222c226f7574636f6d65223a226163636570746564222c227061636b6167655f736861323536223a2235316335643766393434323765316432343435386236396434313036636233323162323532616264383761393031363662306561376364323338666164623332222c22726561736f6e223a6e756c6c2c22726561736f6e5f636f6465223a6e756c6c2c22726563697069656e74223a223030302e30302e30302e483431222c2273656e646572223a223030302e30302e30302e473232222c2274797065223a2272656365697074222c2276223a317d', '82a42478f70521ad54dd02266d9dd2ccb267d3684522a14fe33637feb09cce0d', '000.00.00.H41', true, NULL, 'in', '2026-12-08 00:33:49+00');


--
-- Data for Name: node_statuses; Type: TABLE DATA; Schema: lt_upgrade; Owner: -
--

INSERT INTO lt_upgrade.node_statuses VALUES (1, '000.00.00.H41,2026/03/02,U0/UBND-VP', '000.00.00.G22', '000.00.00.H41', '03', '2026-12-08 00:33:49+00', '15e7282c7307fb31c33adb52405c5112a0e62eac21f73c6b6f850f218ad2ac77', 'out', '2026-12-08 00:33:49+00', 'đã xử lý', '000.00.00.H41');


--
-- Data for Name: node_subtrees; Type: TABLE DATA; Schema: lt_upgrade; Owner: -
--



--
-- Data for Name: nodes; Type: TABLE DATA; Schema: lt_upgrade; Owner: -
--



--
-- Data for Name: revocation_lists; Type: TABLE DATA; Schema: lt_upgrade; Owner: -
--



--
-- Data for Name: statistics_reports; Type: TABLE DATA; Schema: lt_upgrade; Owner: -
--



--
-- Data for Name: tombstones; Type: TABLE DATA; Schema: lt_upgrade; Owner: -
--



--
-- Data for Name: trust_anchors; Type: TABLE DATA; Schema: lt_upgrade; Owner: -
--



--
-- Name: agencies_id_seq; Type: SEQUENCE SET; Schema: lt_upgrade; Owner: -
--

SELECT pg_catalog.setval('lt_upgrade.agencies_id_seq', 1, false);


--
-- Name: agency_regulations_id_seq; Type: SEQUENCE SET; Schema: lt_upgrade; Owner: -
--

SELECT pg_catalog.setval('lt_upgrade.agency_regulations_id_seq', 1, false);


--
-- Name: api_acks_id_seq; Type: SEQUENCE SET; Schema: lt_upgrade; Owner: -
--

SELECT pg_catalog.setval('lt_upgrade.api_acks_id_seq', 1, false);


--
-- Name: api_clients_id_seq; Type: SEQUENCE SET; Schema: lt_upgrade; Owner: -
--

SELECT pg_catalog.setval('lt_upgrade.api_clients_id_seq', 1, false);


--
-- Name: api_vxp_replays_id_seq; Type: SEQUENCE SET; Schema: lt_upgrade; Owner: -
--

SELECT pg_catalog.setval('lt_upgrade.api_vxp_replays_id_seq', 1, false);


--
-- Name: api_webhooks_id_seq; Type: SEQUENCE SET; Schema: lt_upgrade; Owner: -
--

SELECT pg_catalog.setval('lt_upgrade.api_webhooks_id_seq', 1, false);


--
-- Name: arrival_register_id_seq; Type: SEQUENCE SET; Schema: lt_upgrade; Owner: -
--

SELECT pg_catalog.setval('lt_upgrade.arrival_register_id_seq', 1, false);


--
-- Name: audit_log_id_seq; Type: SEQUENCE SET; Schema: lt_upgrade; Owner: -
--

SELECT pg_catalog.setval('lt_upgrade.audit_log_id_seq', 1, false);


--
-- Name: certificate_bindings_id_seq; Type: SEQUENCE SET; Schema: lt_upgrade; Owner: -
--

SELECT pg_catalog.setval('lt_upgrade.certificate_bindings_id_seq', 1, false);


--
-- Name: console_lockouts_id_seq; Type: SEQUENCE SET; Schema: lt_upgrade; Owner: -
--

SELECT pg_catalog.setval('lt_upgrade.console_lockouts_id_seq', 1, false);


--
-- Name: console_login_attempts_id_seq; Type: SEQUENCE SET; Schema: lt_upgrade; Owner: -
--

SELECT pg_catalog.setval('lt_upgrade.console_login_attempts_id_seq', 1, false);


--
-- Name: directory_state_id_seq; Type: SEQUENCE SET; Schema: lt_upgrade; Owner: -
--

SELECT pg_catalog.setval('lt_upgrade.directory_state_id_seq', 1, false);


--
-- Name: node_audit_id_seq; Type: SEQUENCE SET; Schema: lt_upgrade; Owner: -
--

SELECT pg_catalog.setval('lt_upgrade.node_audit_id_seq', 1, false);


--
-- Name: node_document_index_id_seq; Type: SEQUENCE SET; Schema: lt_upgrade; Owner: -
--

SELECT pg_catalog.setval('lt_upgrade.node_document_index_id_seq', 4, true);


--
-- Name: node_document_links_id_seq; Type: SEQUENCE SET; Schema: lt_upgrade; Owner: -
--

SELECT pg_catalog.setval('lt_upgrade.node_document_links_id_seq', 1, false);


--
-- Name: node_inbox_id_seq; Type: SEQUENCE SET; Schema: lt_upgrade; Owner: -
--

SELECT pg_catalog.setval('lt_upgrade.node_inbox_id_seq', 3, true);


--
-- Name: node_log_head_id_seq; Type: SEQUENCE SET; Schema: lt_upgrade; Owner: -
--

SELECT pg_catalog.setval('lt_upgrade.node_log_head_id_seq', 1, false);


--
-- Name: node_outbox_id_seq; Type: SEQUENCE SET; Schema: lt_upgrade; Owner: -
--

SELECT pg_catalog.setval('lt_upgrade.node_outbox_id_seq', 2, true);


--
-- Name: node_receipts_id_seq; Type: SEQUENCE SET; Schema: lt_upgrade; Owner: -
--

SELECT pg_catalog.setval('lt_upgrade.node_receipts_id_seq', 5, true);


--
-- Name: node_statuses_id_seq; Type: SEQUENCE SET; Schema: lt_upgrade; Owner: -
--

SELECT pg_catalog.setval('lt_upgrade.node_statuses_id_seq', 1, true);


--
-- Name: node_subtrees_id_seq; Type: SEQUENCE SET; Schema: lt_upgrade; Owner: -
--

SELECT pg_catalog.setval('lt_upgrade.node_subtrees_id_seq', 1, false);


--
-- Name: nodes_id_seq; Type: SEQUENCE SET; Schema: lt_upgrade; Owner: -
--

SELECT pg_catalog.setval('lt_upgrade.nodes_id_seq', 1, false);


--
-- Name: revocation_lists_id_seq; Type: SEQUENCE SET; Schema: lt_upgrade; Owner: -
--

SELECT pg_catalog.setval('lt_upgrade.revocation_lists_id_seq', 1, false);


--
-- Name: statistics_reports_id_seq; Type: SEQUENCE SET; Schema: lt_upgrade; Owner: -
--

SELECT pg_catalog.setval('lt_upgrade.statistics_reports_id_seq', 1, false);


--
-- Name: tombstones_id_seq; Type: SEQUENCE SET; Schema: lt_upgrade; Owner: -
--

SELECT pg_catalog.setval('lt_upgrade.tombstones_id_seq', 1, false);


--
-- Name: trust_anchors_id_seq; Type: SEQUENCE SET; Schema: lt_upgrade; Owner: -
--

SELECT pg_catalog.setval('lt_upgrade.trust_anchors_id_seq', 1, false);


--
-- Name: alembic_version alembic_version_pkc; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.alembic_version
    ADD CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num);


--
-- Name: agencies pk_agencies; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.agencies
    ADD CONSTRAINT pk_agencies PRIMARY KEY (id);


--
-- Name: agency_regulations pk_agency_regulations; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.agency_regulations
    ADD CONSTRAINT pk_agency_regulations PRIMARY KEY (id);


--
-- Name: api_acks pk_api_acks; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.api_acks
    ADD CONSTRAINT pk_api_acks PRIMARY KEY (id);


--
-- Name: api_clients pk_api_clients; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.api_clients
    ADD CONSTRAINT pk_api_clients PRIMARY KEY (id);


--
-- Name: api_vxp_replays pk_api_vxp_replays; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.api_vxp_replays
    ADD CONSTRAINT pk_api_vxp_replays PRIMARY KEY (id);


--
-- Name: api_webhooks pk_api_webhooks; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.api_webhooks
    ADD CONSTRAINT pk_api_webhooks PRIMARY KEY (id);


--
-- Name: arrival_register pk_arrival_register; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.arrival_register
    ADD CONSTRAINT pk_arrival_register PRIMARY KEY (id);


--
-- Name: audit_log pk_audit_log; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.audit_log
    ADD CONSTRAINT pk_audit_log PRIMARY KEY (id);


--
-- Name: certificate_bindings pk_certificate_bindings; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.certificate_bindings
    ADD CONSTRAINT pk_certificate_bindings PRIMARY KEY (id);


--
-- Name: console_lockouts pk_console_lockouts; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.console_lockouts
    ADD CONSTRAINT pk_console_lockouts PRIMARY KEY (id);


--
-- Name: console_login_attempts pk_console_login_attempts; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.console_login_attempts
    ADD CONSTRAINT pk_console_login_attempts PRIMARY KEY (id);


--
-- Name: directory_state pk_directory_state; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.directory_state
    ADD CONSTRAINT pk_directory_state PRIMARY KEY (id);


--
-- Name: node_audit pk_node_audit; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.node_audit
    ADD CONSTRAINT pk_node_audit PRIMARY KEY (id);


--
-- Name: node_document_index pk_node_document_index; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.node_document_index
    ADD CONSTRAINT pk_node_document_index PRIMARY KEY (id);


--
-- Name: node_document_links pk_node_document_links; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.node_document_links
    ADD CONSTRAINT pk_node_document_links PRIMARY KEY (id);


--
-- Name: node_inbox pk_node_inbox; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.node_inbox
    ADD CONSTRAINT pk_node_inbox PRIMARY KEY (id);


--
-- Name: node_log pk_node_log; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.node_log
    ADD CONSTRAINT pk_node_log PRIMARY KEY (seq);


--
-- Name: node_log_head pk_node_log_head; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.node_log_head
    ADD CONSTRAINT pk_node_log_head PRIMARY KEY (id);


--
-- Name: node_outbox pk_node_outbox; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.node_outbox
    ADD CONSTRAINT pk_node_outbox PRIMARY KEY (id);


--
-- Name: node_receipts pk_node_receipts; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.node_receipts
    ADD CONSTRAINT pk_node_receipts PRIMARY KEY (id);


--
-- Name: node_statuses pk_node_statuses; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.node_statuses
    ADD CONSTRAINT pk_node_statuses PRIMARY KEY (id);


--
-- Name: node_subtrees pk_node_subtrees; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.node_subtrees
    ADD CONSTRAINT pk_node_subtrees PRIMARY KEY (id);


--
-- Name: nodes pk_nodes; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.nodes
    ADD CONSTRAINT pk_nodes PRIMARY KEY (id);


--
-- Name: revocation_lists pk_revocation_lists; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.revocation_lists
    ADD CONSTRAINT pk_revocation_lists PRIMARY KEY (id);


--
-- Name: statistics_reports pk_statistics_reports; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.statistics_reports
    ADD CONSTRAINT pk_statistics_reports PRIMARY KEY (id);


--
-- Name: tombstones pk_tombstones; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.tombstones
    ADD CONSTRAINT pk_tombstones PRIMARY KEY (id);


--
-- Name: trust_anchors pk_trust_anchors; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.trust_anchors
    ADD CONSTRAINT pk_trust_anchors PRIMARY KEY (id);


--
-- Name: agencies uq_agencies_code_valid_from; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.agencies
    ADD CONSTRAINT uq_agencies_code_valid_from UNIQUE (code, valid_from);


--
-- Name: agency_regulations uq_agency_regulations_code; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.agency_regulations
    ADD CONSTRAINT uq_agency_regulations_code UNIQUE (code);


--
-- Name: api_acks uq_api_acks_message_id_recipient; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.api_acks
    ADD CONSTRAINT uq_api_acks_message_id_recipient UNIQUE (message_id, recipient);


--
-- Name: api_clients uq_api_clients_name; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.api_clients
    ADD CONSTRAINT uq_api_clients_name UNIQUE (name);


--
-- Name: api_clients uq_api_clients_systemid; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.api_clients
    ADD CONSTRAINT uq_api_clients_systemid UNIQUE (systemid);


--
-- Name: api_clients uq_api_clients_token_sha256; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.api_clients
    ADD CONSTRAINT uq_api_clients_token_sha256 UNIQUE (token_sha256);


--
-- Name: api_vxp_replays uq_api_vxp_replays_systemid_mac; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.api_vxp_replays
    ADD CONSTRAINT uq_api_vxp_replays_systemid_mac UNIQUE (systemid, mac);


--
-- Name: api_webhooks uq_api_webhooks_client; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.api_webhooks
    ADD CONSTRAINT uq_api_webhooks_client UNIQUE (client);


--
-- Name: arrival_register uq_arrival_register_message; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.arrival_register
    ADD CONSTRAINT uq_arrival_register_message UNIQUE (agency, message_id);


--
-- Name: arrival_register uq_arrival_register_number; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.arrival_register
    ADD CONSTRAINT uq_arrival_register_number UNIQUE (agency, year, number);


--
-- Name: certificate_bindings uq_certificate_bindings_fingerprint_code; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.certificate_bindings
    ADD CONSTRAINT uq_certificate_bindings_fingerprint_code UNIQUE (fingerprint, code);


--
-- Name: node_document_index uq_node_document_index_message; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.node_document_index
    ADD CONSTRAINT uq_node_document_index_message UNIQUE (direction, message_id, recipient);


--
-- Name: node_document_links uq_node_document_links_recipient; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.node_document_links
    ADD CONSTRAINT uq_node_document_links_recipient UNIQUE (recipient, sender, earlier_document_id, later_document_id);


--
-- Name: node_inbox uq_node_inbox_message_id_recipient; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.node_inbox
    ADD CONSTRAINT uq_node_inbox_message_id_recipient UNIQUE (message_id, recipient);


--
-- Name: node_outbox uq_node_outbox_message_id_recipient; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.node_outbox
    ADD CONSTRAINT uq_node_outbox_message_id_recipient UNIQUE (message_id, recipient);


--
-- Name: node_receipts uq_node_receipts_sha256; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.node_receipts
    ADD CONSTRAINT uq_node_receipts_sha256 UNIQUE (sha256);


--
-- Name: node_statuses uq_node_statuses_sender; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.node_statuses
    ADD CONSTRAINT uq_node_statuses_sender UNIQUE (sender, document_id, reporter, status_code, "timestamp");


--
-- Name: node_subtrees uq_node_subtrees_code; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.node_subtrees
    ADD CONSTRAINT uq_node_subtrees_code UNIQUE (code);


--
-- Name: nodes uq_nodes_name; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.nodes
    ADD CONSTRAINT uq_nodes_name UNIQUE (name);


--
-- Name: revocation_lists uq_revocation_lists_fingerprint; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.revocation_lists
    ADD CONSTRAINT uq_revocation_lists_fingerprint UNIQUE (fingerprint);


--
-- Name: statistics_reports uq_statistics_reports_node_agency_day; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.statistics_reports
    ADD CONSTRAINT uq_statistics_reports_node_agency_day UNIQUE (node, agency, day);


--
-- Name: trust_anchors uq_trust_anchors_fingerprint; Type: CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.trust_anchors
    ADD CONSTRAINT uq_trust_anchors_fingerprint UNIQUE (fingerprint);


--
-- Name: ix_agencies_code; Type: INDEX; Schema: lt_upgrade; Owner: -
--

CREATE INDEX ix_agencies_code ON lt_upgrade.agencies USING btree (code);


--
-- Name: ix_agencies_version; Type: INDEX; Schema: lt_upgrade; Owner: -
--

CREATE INDEX ix_agencies_version ON lt_upgrade.agencies USING btree (version);


--
-- Name: ix_api_vxp_replays_expires_at; Type: INDEX; Schema: lt_upgrade; Owner: -
--

CREATE INDEX ix_api_vxp_replays_expires_at ON lt_upgrade.api_vxp_replays USING btree (expires_at);


--
-- Name: ix_arrival_register_agency_year; Type: INDEX; Schema: lt_upgrade; Owner: -
--

CREATE INDEX ix_arrival_register_agency_year ON lt_upgrade.arrival_register USING btree (agency, year);


--
-- Name: ix_audit_log_version; Type: INDEX; Schema: lt_upgrade; Owner: -
--

CREATE INDEX ix_audit_log_version ON lt_upgrade.audit_log USING btree (version);


--
-- Name: ix_certificate_bindings_fingerprint; Type: INDEX; Schema: lt_upgrade; Owner: -
--

CREATE INDEX ix_certificate_bindings_fingerprint ON lt_upgrade.certificate_bindings USING btree (fingerprint);


--
-- Name: ix_certificate_bindings_version; Type: INDEX; Schema: lt_upgrade; Owner: -
--

CREATE INDEX ix_certificate_bindings_version ON lt_upgrade.certificate_bindings USING btree (version);


--
-- Name: ix_console_lockouts_kind_subject_ends_at; Type: INDEX; Schema: lt_upgrade; Owner: -
--

CREATE INDEX ix_console_lockouts_kind_subject_ends_at ON lt_upgrade.console_lockouts USING btree (kind, subject, ends_at);


--
-- Name: ix_console_login_attempts_address_at; Type: INDEX; Schema: lt_upgrade; Owner: -
--

CREATE INDEX ix_console_login_attempts_address_at ON lt_upgrade.console_login_attempts USING btree (address, at);


--
-- Name: ix_console_login_attempts_user_name_at; Type: INDEX; Schema: lt_upgrade; Owner: -
--

CREATE INDEX ix_console_login_attempts_user_name_at ON lt_upgrade.console_login_attempts USING btree (user_name, at);


--
-- Name: ix_node_audit_actor_id; Type: INDEX; Schema: lt_upgrade; Owner: -
--

CREATE INDEX ix_node_audit_actor_id ON lt_upgrade.node_audit USING btree (actor, id);


--
-- Name: ix_node_audit_at; Type: INDEX; Schema: lt_upgrade; Owner: -
--

CREATE INDEX ix_node_audit_at ON lt_upgrade.node_audit USING btree (at);


--
-- Name: ix_node_audit_target_id; Type: INDEX; Schema: lt_upgrade; Owner: -
--

CREATE INDEX ix_node_audit_target_id ON lt_upgrade.node_audit USING btree (target, id);


--
-- Name: ix_node_document_index_package; Type: INDEX; Schema: lt_upgrade; Owner: -
--

CREATE INDEX ix_node_document_index_package ON lt_upgrade.node_document_index USING btree (package_sha256);


--
-- Name: ix_node_document_index_recipient_at; Type: INDEX; Schema: lt_upgrade; Owner: -
--

CREATE INDEX ix_node_document_index_recipient_at ON lt_upgrade.node_document_index USING btree (direction, recipient, at);


--
-- Name: ix_node_document_index_sender_at; Type: INDEX; Schema: lt_upgrade; Owner: -
--

CREATE INDEX ix_node_document_index_sender_at ON lt_upgrade.node_document_index USING btree (direction, sender, at);


--
-- Name: ix_node_document_index_urgency; Type: INDEX; Schema: lt_upgrade; Owner: -
--

CREATE INDEX ix_node_document_index_urgency ON lt_upgrade.node_document_index USING btree (direction, urgency);


--
-- Name: ix_node_inbox_document_id; Type: INDEX; Schema: lt_upgrade; Owner: -
--

CREATE INDEX ix_node_inbox_document_id ON lt_upgrade.node_inbox USING btree (document_id);


--
-- Name: ix_node_inbox_received_at; Type: INDEX; Schema: lt_upgrade; Owner: -
--

CREATE INDEX ix_node_inbox_received_at ON lt_upgrade.node_inbox USING btree (received_at);


--
-- Name: ix_node_log_document_id; Type: INDEX; Schema: lt_upgrade; Owner: -
--

CREATE INDEX ix_node_log_document_id ON lt_upgrade.node_log USING btree (document_id);


--
-- Name: ix_node_outbox_created_at; Type: INDEX; Schema: lt_upgrade; Owner: -
--

CREATE INDEX ix_node_outbox_created_at ON lt_upgrade.node_outbox USING btree (created_at);


--
-- Name: ix_node_outbox_document_id; Type: INDEX; Schema: lt_upgrade; Owner: -
--

CREATE INDEX ix_node_outbox_document_id ON lt_upgrade.node_outbox USING btree (document_id);


--
-- Name: ix_node_outbox_due; Type: INDEX; Schema: lt_upgrade; Owner: -
--

CREATE INDEX ix_node_outbox_due ON lt_upgrade.node_outbox USING btree (state, next_attempt_at);


--
-- Name: ix_node_receipts_message_id; Type: INDEX; Schema: lt_upgrade; Owner: -
--

CREATE INDEX ix_node_receipts_message_id ON lt_upgrade.node_receipts USING btree (message_id);


--
-- Name: ix_node_statuses_recorded_at; Type: INDEX; Schema: lt_upgrade; Owner: -
--

CREATE INDEX ix_node_statuses_recorded_at ON lt_upgrade.node_statuses USING btree (recorded_at);


--
-- Name: ix_node_subtrees_version; Type: INDEX; Schema: lt_upgrade; Owner: -
--

CREATE INDEX ix_node_subtrees_version ON lt_upgrade.node_subtrees USING btree (version);


--
-- Name: ix_nodes_version; Type: INDEX; Schema: lt_upgrade; Owner: -
--

CREATE INDEX ix_nodes_version ON lt_upgrade.nodes USING btree (version);


--
-- Name: ix_revocation_lists_version; Type: INDEX; Schema: lt_upgrade; Owner: -
--

CREATE INDEX ix_revocation_lists_version ON lt_upgrade.revocation_lists USING btree (version);


--
-- Name: ix_statistics_reports_agency; Type: INDEX; Schema: lt_upgrade; Owner: -
--

CREATE INDEX ix_statistics_reports_agency ON lt_upgrade.statistics_reports USING btree (agency);


--
-- Name: ix_statistics_reports_day; Type: INDEX; Schema: lt_upgrade; Owner: -
--

CREATE INDEX ix_statistics_reports_day ON lt_upgrade.statistics_reports USING btree (day);


--
-- Name: ix_tombstones_version; Type: INDEX; Schema: lt_upgrade; Owner: -
--

CREATE INDEX ix_tombstones_version ON lt_upgrade.tombstones USING btree (version);


--
-- Name: ix_trust_anchors_version; Type: INDEX; Schema: lt_upgrade; Owner: -
--

CREATE INDEX ix_trust_anchors_version ON lt_upgrade.trust_anchors USING btree (version);


--
-- Name: node_subtrees fk_node_subtrees_node_id_nodes; Type: FK CONSTRAINT; Schema: lt_upgrade; Owner: -
--

ALTER TABLE ONLY lt_upgrade.node_subtrees
    ADD CONSTRAINT fk_node_subtrees_node_id_nodes FOREIGN KEY (node_id) REFERENCES lt_upgrade.nodes(id) ON DELETE CASCADE;


--
-- PostgreSQL database dump complete
--


