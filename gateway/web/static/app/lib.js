// The one place the pages take Preact, its hooks and htm from (vendored, pinned files).
import { h, render, Fragment, createContext } from "../vendor/preact@10.29.8/preact.module.js";
import {
  useState,
  useEffect,
  useRef,
  useMemo,
  useCallback,
  useContext,
} from "../vendor/preact@10.29.8/hooks.module.js";
import htm from "../vendor/htm@3.1.1/htm.module.js";

export const html = htm.bind(h);
export { h, render, Fragment, createContext, useState, useEffect, useRef, useMemo, useCallback, useContext };
