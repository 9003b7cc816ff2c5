/** logitlab analysis module. */
package org.logitlab;
